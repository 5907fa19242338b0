import { sql } from "@nachbarstrom/core/database";
import type { Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { decodeBatch, encodeBatch } from "./batch-codec.ts";
import type { SignedTransaction } from "./submit.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import type { BridgeTables, Executor, Store } from "./store.ts";

/**
 * pending ──▶ submitted(signed txs) ──▶ confirmed
 *    │             │  ▲ (resent)  └─▶ already-settled
 *    ├─────────────┴──┴──────────────▶ already-settled
 *    └─────────────┴─────────────────▶ failed ──(retryFailed)──▶ pending
 */
export type OutboxStatus = "pending" | "submitted" | "confirmed" | "already-settled" | "failed";

export type OutboxEntry = {
  id: number;
  batch: IntervalBatch;
  status: OutboxStatus;
  /** The last transaction signed; once done, the one that settled the interval (if found). */
  txHash: Hex | null;
  /** Set when done: whether the chain holds this batch's commitment. */
  commitmentMatches: boolean | null;
  /** Why the entry failed. */
  error: string | null;
  createdAt: number;
  updatedAt: number;
};

export type SettledOutcome = { txHash: Hex | null; alreadySettled: boolean; commitmentMatches: boolean };

export type Outbox = {
  /** Adds a closed interval's batch as pending. The same batch again changes nothing; another one is refused. */
  enqueue(batch: IntervalBatch): Promise<{ entry: OutboxEntry; created: boolean }>;
  get(neighbourhood: string, interval: bigint): Promise<OutboxEntry | undefined>;
  /** The oldest entry still to settle: pending, or submitted without a known outcome. */
  next(): Promise<OutboxEntry | undefined>;
  /** A transaction for the entry has been signed and is about to be broadcast: stored first, in one commit. */
  recordSigned(id: number, transaction: SignedTransaction): Promise<OutboxEntry>;
  /** The transactions signed for the entry, oldest first. */
  signedOf(id: number): Promise<SignedTransaction[]>;
  /** The chain holds the interval: confirmed by our receipt, or already-settled when the chain had it before. */
  complete(id: number, outcome: SettledOutcome): Promise<OutboxEntry>;
  /** Settling failed for a reason retrying will not fix by itself. */
  fail(id: number, error: string): Promise<OutboxEntry>;
  /** Puts every failed entry back to pending, e.g. when the settle node starts; returns how many. */
  retryFailed(): Promise<number>;
  counts(): Promise<Record<OutboxStatus, number>>;
};

const OPEN: readonly OutboxStatus[] = ["pending", "submitted"];
/** For each target status, the statuses it may be reached from. */
const ALLOWED_FROM: Record<OutboxStatus, readonly OutboxStatus[]> = {
  pending: ["failed"],
  submitted: OPEN,
  confirmed: ["submitted"],
  "already-settled": OPEN,
  failed: OPEN,
};

type OutboxRow = {
  [column in keyof BridgeTables["outbox"]]: column extends "id" ? bigint : BridgeTables["outbox"][column];
};
/** The columns a transition may set besides status and updated_at. */
type TransitionColumns = Partial<Pick<OutboxRow, "tx_hash" | "error" | "commitment_matches">>;

/**
 * Adds a closed interval's batch as pending, on the database or inside the transaction that closes the
 * interval. The interval's unique key decides, so of two processes enqueueing the same interval at
 * once one inserts and the other finds its entry.
 */
export async function enqueueBatch(
  db: Executor,
  batch: IntervalBatch,
  at: number,
): Promise<{ entry: OutboxEntry; created: boolean }> {
  // A batch that could not be read back would block the outbox: refuse it here instead.
  const text = encodeBatch(batch);
  try {
    decodeBatch(text);
  } catch (cause) {
    const details = cause instanceof BridgeStoreError ? cause.details : undefined;
    throw new BridgeStoreError("Cannot put an incomplete batch into the outbox", { details, cause });
  }
  const { neighbourhood, interval, neighbourhoodId, commitment } = batch;
  const inserted = await db
    .insertInto("outbox")
    .values({
      neighbourhood,
      interval,
      neighbourhood_id: neighbourhoodId,
      commitment,
      batch: text,
      status: "pending",
      created_at: BigInt(at),
      updated_at: BigInt(at),
    })
    .onConflict((oc) => oc.columns(["neighbourhood", "interval"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { entry: toEntry(inserted), created: true };
  const existing = await entryOf(db, neighbourhood, interval);
  if (!existing) throw new OutboxStateError(`The outbox entry of ${neighbourhood} interval ${interval} vanished`);
  if (existing.batch.commitment.toLowerCase() !== commitment.toLowerCase()) {
    throw new OutboxStateError(`Another batch for ${neighbourhood} interval ${interval} is in the outbox`, {
      details: `its commitment is ${existing.batch.commitment}, this one's ${commitment}`,
    });
  }
  return { entry: existing, created: false };
}

async function entryOf(db: Executor, neighbourhood: string, interval: bigint): Promise<OutboxEntry | undefined> {
  const row = await db
    .selectFrom("outbox")
    .selectAll()
    .where("neighbourhood", "=", neighbourhood)
    .where("interval", "=", interval)
    .executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

export function createOutbox(store: Store, now: () => number = Date.now): Outbox {
  const { db } = store;

  /**
   * Moves an entry to `status` with the given column values, if its current status allows it: one
   * conditional statement, so of two writers only one can make the move.
   */
  async function transition(
    executor: Executor,
    id: number,
    status: OutboxStatus,
    set: TransitionColumns,
  ): Promise<OutboxEntry> {
    const from = ALLOWED_FROM[status];
    const moved = await executor
      .updateTable("outbox")
      .set({ status, updated_at: BigInt(now()), ...set })
      .where("id", "=", BigInt(id))
      .where("status", "in", from)
      .returningAll()
      .executeTakeFirst();
    if (moved) return toEntry(moved);
    const row = await executor.selectFrom("outbox").selectAll().where("id", "=", BigInt(id)).executeTakeFirst();
    if (!row) throw new OutboxStateError(`Outbox entry ${id} does not exist`);
    const entry = toEntry(row);
    const label = `${entry.batch.neighbourhood} interval ${entry.batch.interval}`;
    throw new OutboxStateError(`The outbox entry of ${label} cannot become ${status}`, {
      details: `it is ${entry.status}; ${status} follows only ${from.join(" or ")}`,
    });
  }

  return {
    enqueue: (batch) => store.transaction((trx) => enqueueBatch(trx, batch, now())),
    get: (neighbourhood, interval) => entryOf(db, neighbourhood, interval),
    async next() {
      const row = await db
        .selectFrom("outbox")
        .selectAll()
        .where("status", "in", OPEN)
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      return row ? toEntry(row) : undefined;
    },
    recordSigned: (id, { hash, raw, nonce }) =>
      store.transaction(async (trx) => {
        const entry = await transition(trx, id, "submitted", { tx_hash: hash, error: null });
        const seq = sql<bigint>`(SELECT count(*) FROM outbox_transactions WHERE outbox_id = ${BigInt(id)})`;
        await trx
          .insertInto("outbox_transactions")
          .values({ outbox_id: BigInt(id), seq, hash, raw, nonce: BigInt(nonce), signed_at: BigInt(now()) })
          .execute();
        return entry;
      }),
    async signedOf(id) {
      const rows = await db
        .selectFrom("outbox_transactions")
        .select(["hash", "raw", "nonce"])
        .where("outbox_id", "=", BigInt(id))
        .orderBy("seq")
        .execute();
      return rows.map((row) => ({ hash: row.hash as Hex, raw: row.raw as Hex, nonce: Number(row.nonce) }));
    },
    complete: (id, { txHash, alreadySettled, commitmentMatches }) =>
      transition(db, id, alreadySettled ? "already-settled" : "confirmed", {
        tx_hash: txHash,
        commitment_matches: commitmentMatches ? 1n : 0n,
        error: null,
      }),
    fail: (id, error) => transition(db, id, "failed", { error }),
    async retryFailed() {
      const { numUpdatedRows } = await db
        .updateTable("outbox")
        .set({ status: "pending", updated_at: BigInt(now()) })
        .where("status", "=", "failed")
        .executeTakeFirstOrThrow();
      return Number(numUpdatedRows);
    },
    async counts() {
      const counts: Record<OutboxStatus, number> = {
        pending: 0,
        submitted: 0,
        confirmed: 0,
        "already-settled": 0,
        failed: 0,
      };
      const rows = await db
        .selectFrom("outbox")
        .select(["status", (eb) => eb.fn.countAll<bigint>().as("n")])
        .groupBy("status")
        .execute();
      for (const row of rows) counts[statusOf(row.status)] = Number(row.n);
      return counts;
    },
  };
}

function statusOf(value: string): OutboxStatus {
  if (!(value in ALLOWED_FROM)) throw new OutboxStateError(`Unknown outbox status ${value}`);
  return value as OutboxStatus;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: Number(row.id),
    batch: decodeBatch(row.batch),
    status: statusOf(row.status),
    txHash: row.tx_hash as Hex | null,
    commitmentMatches: row.commitment_matches === null ? null : row.commitment_matches === 1n,
    error: row.error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
