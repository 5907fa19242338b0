import type { Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { decodeBatch, encodeBatch } from "./batch-codec.ts";
import type { SignedTransaction } from "./submit.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import { intColumn, optionalTextColumn, textColumn, type Row, type Store } from "./store.ts";

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
  enqueue(batch: IntervalBatch): { entry: OutboxEntry; created: boolean };
  get(neighbourhood: string, interval: bigint): OutboxEntry | undefined;
  /** The oldest entry still to settle: pending, or submitted without a known outcome. */
  next(): OutboxEntry | undefined;
  /** A transaction for the entry has been signed and is about to be broadcast: stored first, in one commit. */
  recordSigned(id: number, transaction: SignedTransaction): OutboxEntry;
  /** The transactions signed for the entry, oldest first. */
  signedOf(id: number): SignedTransaction[];
  /** The chain holds the interval: confirmed by our receipt, or already-settled when the chain had it before. */
  complete(id: number, outcome: SettledOutcome): OutboxEntry;
  /** Settling failed for a reason retrying will not fix by itself. */
  fail(id: number, error: string): OutboxEntry;
  /** Puts every failed entry back to pending, e.g. when the settle node starts; returns how many. */
  retryFailed(): number;
  counts(): Record<OutboxStatus, number>;
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

export function createOutbox(store: Store, now: () => number = Date.now): Outbox {
  const { db } = store;
  const byId = db.prepare("SELECT * FROM outbox WHERE id = ?");
  const byInterval = db.prepare("SELECT * FROM outbox WHERE neighbourhood = ? AND interval = ?");
  const insert = db.prepare(
    `INSERT INTO outbox (neighbourhood, interval, neighbourhood_id, commitment, batch, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
  );
  const addSigned = db.prepare(
    `INSERT INTO outbox_transactions (outbox_id, seq, hash, raw, nonce, signed_at)
     VALUES (?, (SELECT count(*) FROM outbox_transactions WHERE outbox_id = ?), ?, ?, ?, ?)`,
  );
  const signedOf = db.prepare("SELECT hash, raw, nonce FROM outbox_transactions WHERE outbox_id = ? ORDER BY seq");
  const nextOpen = db.prepare("SELECT * FROM outbox WHERE status IN ('pending', 'submitted') ORDER BY id LIMIT 1");

  const get = (neighbourhood: string, interval: bigint) => {
    const row = byInterval.get(neighbourhood, interval);
    return row ? toEntry(row) : undefined;
  };
  const mustGet = (id: number) => {
    const row = byId.get(id);
    if (!row) throw new OutboxStateError(`Outbox entry ${id} does not exist`);
    return toEntry(row);
  };

  /** Moves an entry to `status` with the given column values, if its current status allows it. */
  function transition(id: number, status: OutboxStatus, set: Record<string, string | number | null>): OutboxEntry {
    const from = ALLOWED_FROM[status];
    const columns = Object.keys(set).map((column) => `, ${column} = ?`);
    const [changes, entry] = store.transaction(() => {
      const result = db
        .prepare(
          `UPDATE outbox SET status = ?, updated_at = ?${columns.join("")}
           WHERE id = ? AND status IN (${from.map(() => "?").join(", ")})`,
        )
        .run(status, now(), ...Object.values(set), id, ...from);
      return [result.changes, mustGet(id)] as const;
    });
    if (Number(changes) !== 1) {
      const label = `${entry.batch.neighbourhood} interval ${entry.batch.interval}`;
      throw new OutboxStateError(`The outbox entry of ${label} cannot become ${status}`, {
        details: `it is ${entry.status}; ${status} follows only ${from.join(" or ")}`,
      });
    }
    return entry;
  }

  return {
    enqueue(batch) {
      // A batch that could not be read back would block the outbox: refuse it here instead.
      const text = encodeBatch(batch);
      try {
        decodeBatch(text);
      } catch (cause) {
        const details = cause instanceof BridgeStoreError ? cause.details : undefined;
        throw new BridgeStoreError("Cannot put an incomplete batch into the outbox", { details, cause });
      }
      return store.transaction(() => {
        const existing = get(batch.neighbourhood, batch.interval);
        if (existing) {
          if (existing.batch.commitment.toLowerCase() !== batch.commitment.toLowerCase()) {
            throw new OutboxStateError(
              `Another batch for ${batch.neighbourhood} interval ${batch.interval} is in the outbox`,
              { details: `its commitment is ${existing.batch.commitment}, this one's ${batch.commitment}` },
            );
          }
          return { entry: existing, created: false };
        }
        const at = now();
        const { neighbourhood, interval, neighbourhoodId, commitment } = batch;
        const { lastInsertRowid } = insert.run(neighbourhood, interval, neighbourhoodId, commitment, text, at, at);
        return { entry: mustGet(Number(lastInsertRowid)), created: true };
      });
    },
    get,
    next() {
      const row = nextOpen.get();
      return row ? toEntry(row) : undefined;
    },
    recordSigned: (id, { hash, raw, nonce }) =>
      store.transaction(() => {
        const entry = transition(id, "submitted", { tx_hash: hash, error: null });
        addSigned.run(id, id, hash, raw, nonce, now());
        return entry;
      }),
    signedOf: (id) =>
      signedOf.all(id).map((row) => ({
        hash: textColumn(row, "hash") as Hex,
        raw: textColumn(row, "raw") as Hex,
        nonce: Number(intColumn(row, "nonce")),
      })),
    complete: (id, { txHash, alreadySettled, commitmentMatches }) =>
      transition(id, alreadySettled ? "already-settled" : "confirmed", {
        tx_hash: txHash,
        commitment_matches: commitmentMatches ? 1 : 0,
        error: null,
      }),
    fail: (id, error) => transition(id, "failed", { error }),
    retryFailed() {
      const { changes } = store.transaction(() =>
        db.prepare("UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'failed'").run(now()),
      );
      return Number(changes);
    },
    counts() {
      const counts: Record<OutboxStatus, number> = {
        pending: 0,
        submitted: 0,
        confirmed: 0,
        "already-settled": 0,
        failed: 0,
      };
      for (const row of db.prepare("SELECT status, count(*) AS n FROM outbox GROUP BY status").all()) {
        counts[status(row)] = Number(intColumn(row, "n"));
      }
      return counts;
    },
  };
}

function status(row: Row): OutboxStatus {
  const value = textColumn(row, "status");
  if (!(value in ALLOWED_FROM)) throw new OutboxStateError(`Unknown outbox status ${value}`);
  return value as OutboxStatus;
}

function toEntry(row: Row): OutboxEntry {
  const matches = row.commitment_matches;
  return {
    id: Number(intColumn(row, "id")),
    batch: decodeBatch(textColumn(row, "batch")),
    status: status(row),
    txHash: optionalTextColumn(row, "tx_hash") as Hex | null,
    commitmentMatches: matches === null ? null : matches === 1n,
    error: optionalTextColumn(row, "error"),
    createdAt: Number(intColumn(row, "created_at")),
    updatedAt: Number(intColumn(row, "updated_at")),
  };
}
