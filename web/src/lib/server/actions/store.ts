import type { Address, Hex } from "viem";
import type { AccountsStore } from "../auth/store.ts";
import { randomToken } from "../auth/tokens.ts";

/** How long a prepared action waits for its confirmation or the wallet's transaction: 5 minutes. */
export const ACTION_VALIDITY_MS = 5 * 60 * 1000;

export type ActionVia = "passkey" | "wallet" | "none";
export type ActionState = "prepared" | "sending" | "sent" | "confirmed" | "failed" | "expired" | "done";

/** One row of the audit log (schema.ts, migration 3). */
export type ActionRecord = {
  id: string;
  seq: number;
  account: Address;
  userId: number | undefined;
  kind: string;
  details: Record<string, unknown>;
  via: ActionVia;
  state: ActionState;
  to: Address | undefined;
  calldata: Hex | undefined;
  challenge: string | undefined;
  txHash: Hex | undefined;
  error: string | undefined;
  createdAt: number;
  expiresAt: number | undefined;
  updatedAt: number;
};

function recordOf(row: Record<string, unknown>): ActionRecord {
  const optional = <T>(value: unknown) => (value === null || value === undefined ? undefined : (value as T));
  return {
    id: String(row.id),
    seq: Number(row.seq),
    account: row.account as Address,
    userId: optional<number>(row.user_id),
    kind: String(row.kind),
    details: JSON.parse(String(row.details)) as Record<string, unknown>,
    via: row.via as ActionVia,
    state: row.state as ActionState,
    to: optional<Address>(row.to_address),
    calldata: optional<Hex>(row.calldata),
    challenge: optional<string>(row.challenge),
    txHash: optional<Hex>(row.tx_hash),
    error: optional<string>(row.error),
    createdAt: Number(row.created_at),
    expiresAt: optional<number>(row.expires_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The action's details as stored: JSON in which bigints are decimal strings. */
function detailsJson(details: Record<string, unknown>): string {
  return JSON.stringify(details, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * The next number of the audit log. Call inside the transaction that inserts the row: on PostgreSQL a
 * transaction lock makes portal processes that insert at once take their numbers one after the other
 * (SQLite's IMMEDIATE transactions already do).
 */
async function nextSeq(store: AccountsStore): Promise<number> {
  if (store.dialect === "postgres")
    await store.prepare("SELECT pg_advisory_xact_lock(hashtext('nachbarstrom.actions.seq'))").get();
  return Number((await store.prepare("SELECT coalesce(max(seq), 0) + 1 AS seq FROM actions").get())!.seq);
}

export type NewAction = {
  account: Address;
  userId: number | undefined;
  kind: string;
  details: Record<string, unknown>;
};

/** Records a chain action waiting for its confirmation (passkey) or its transaction (wallet). */
export async function insertPrepared(
  store: AccountsStore,
  action: NewAction & { via: "passkey" | "wallet"; to: Address; calldata: Hex; challenge?: string },
): Promise<ActionRecord> {
  const id = randomToken();
  const now = store.now();
  return store.transaction(async () => {
    await store
      .prepare(
        `INSERT INTO actions (id, seq, account, user_id, kind, details, via, state, to_address, calldata, challenge,
           created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'prepared', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        await nextSeq(store),
        action.account,
        action.userId ?? null,
        action.kind,
        detailsJson(action.details),
        action.via,
        action.to,
        action.calldata,
        action.challenge ?? null,
        now,
        now + ACTION_VALIDITY_MS,
        now,
      );
    return (await findAction(store, id))!;
  });
}

/** Records an action that needs no transaction (an invitation issued, a request decided, a link erased). */
export async function recordDone(store: AccountsStore, action: NewAction): Promise<ActionRecord> {
  const id = randomToken();
  const now = store.now();
  return store.transaction(async () => {
    await store
      .prepare(
        `INSERT INTO actions (id, seq, account, user_id, kind, details, via, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'none', 'done', ?, ?)`,
      )
      .run(
        id,
        await nextSeq(store),
        action.account,
        action.userId ?? null,
        action.kind,
        detailsJson(action.details),
        now,
        now,
      );
    return (await findAction(store, id))!;
  });
}

export async function findAction(store: AccountsStore, id: string): Promise<ActionRecord | undefined> {
  const row = await store.prepare("SELECT * FROM actions WHERE id = ?").get(id);
  return row ? recordOf(row) : undefined;
}

/**
 * Takes a prepared action of this user for sending: 'prepared' → 'sending' in one statement, so a
 * confirmation that arrives twice sends once. Undefined when there is none to take (or it expired,
 * in which case it is marked so).
 */
export async function claimForSending(
  store: AccountsStore,
  id: string,
  userId: number,
): Promise<ActionRecord | undefined> {
  const now = store.now();
  await store
    .prepare(
      "UPDATE actions SET state = 'expired', challenge = NULL, updated_at = ? WHERE state = 'prepared' AND expires_at <= ?",
    )
    .run(now, now);
  const row = await store
    .prepare(
      `UPDATE actions SET state = 'sending', challenge = NULL, updated_at = ?
       WHERE id = ? AND user_id = ? AND state = 'prepared' RETURNING *`,
    )
    .get(now, id, userId);
  return row ? recordOf(row) : undefined;
}

/** A transaction left for the chain: 'sending' → 'sent' with its hash. */
export async function markSent(store: AccountsStore, id: string, txHash: Hex): Promise<void> {
  await store
    .prepare("UPDATE actions SET state = 'sent', tx_hash = ?, updated_at = ? WHERE id = ?")
    .run(txHash, store.now(), id);
}

/** The end of a chain action: mined ('confirmed'), reverted or never sent ('failed', with why). */
export async function markOutcome(
  store: AccountsStore,
  id: string,
  outcome: "confirmed" | "failed",
  error?: string,
): Promise<void> {
  await store
    .prepare("UPDATE actions SET state = ?, error = ?, updated_at = ? WHERE id = ?")
    .run(outcome, error ?? null, store.now(), id);
}

export type ActionQuery = {
  /** Only this account's actions. */
  account?: Address;
  /** Only kinds starting with one of these prefixes (e.g. "tariff.", "credit."). */
  kinds?: readonly string[];
  /** Newest first, this many. */
  limit: number;
  /** Rows older than this seq (for paging). */
  before?: number;
};

/** The audit log, newest first. */
export async function listActions(store: AccountsStore, query: ActionQuery): Promise<ActionRecord[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.account) {
    where.push("account = ?");
    params.push(query.account);
  }
  if (query.kinds && query.kinds.length > 0) {
    where.push(`(${query.kinds.map(() => "kind LIKE ? ESCAPE '\\'").join(" OR ")})`);
    params.push(...query.kinds.map((prefix) => `${prefix.replace(/[\\%_]/g, "\\$&")}%`));
  }
  if (query.before !== undefined) {
    where.push("seq < ?");
    params.push(query.before);
  }
  const sql = `SELECT * FROM actions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
  return (await store.prepare(sql).all(...params, query.limit)).map(recordOf);
}
