import { NachbarstromError } from "@nachbarstrom/core";
import type { Address, Hex } from "viem";
import { recordDone } from "../actions/store.ts";
import type { AccountsStore } from "../auth/store.ts";
import { newPaymentReference } from "./reference.ts";

export type CreditRequestKind = "top-up" | "pay-out";
export type CreditRequestState = "pending" | "done" | "rejected" | "cancelled";

/** One row of credit_requests (auth/schema.ts, migration 4) with what its action says. */
export type CreditRequest = {
  id: number;
  account: Address;
  kind: CreditRequestKind;
  /** Micro-euro. */
  amount: bigint;
  /** What the household writes on its bank transfer (top-up) or finds on the utility's (pay-out). */
  reference: string;
  state: CreditRequestState;
  createdAt: number;
  decidedAt: number | undefined;
  /** Who decided: the treasurer (done, rejected) or the household itself (cancelled). */
  decidedBy: Address | undefined;
  /** Why the treasurer rejected it. */
  reason: string | undefined;
  /** The topUp/payOut action (actions table) that carries it out. */
  actionId: string | undefined;
  /** That action's transaction, once sent. */
  txHash: Hex | undefined;
  /** That action is under way (prepared and still valid, sending or sent): nobody may decide meanwhile. */
  inProgress: boolean;
};

/**
 * SQL: the request's tied action is under way or done, so the request must not be carried out again,
 * cancelled or rejected. A prepared action whose validity ran out can no longer be sent (confirm.ts).
 */
export const ACTION_IS_LIVE = `(a.state IN ('sending', 'sent', 'confirmed') OR (a.state = 'prepared' AND a.expires_at > :now))`;

const SELECT = `SELECT r.*, a.tx_hash AS tx_hash,
    CASE WHEN ${ACTION_IS_LIVE} AND a.state <> 'confirmed' THEN 1 ELSE 0 END AS in_progress
  FROM credit_requests r LEFT JOIN actions a ON a.id = r.action_id`;

function requestOf(row: Record<string, unknown>): CreditRequest {
  const optional = <T>(value: unknown) => (value === null || value === undefined ? undefined : (value as T));
  return {
    id: Number(row.id),
    account: row.account as Address,
    kind: row.kind as CreditRequestKind,
    amount: BigInt(row.amount as number),
    reference: String(row.reference),
    state: row.state as CreditRequestState,
    createdAt: Number(row.created_at),
    decidedAt: optional<number>(row.decided_at),
    decidedBy: optional<Address>(row.decided_by),
    reason: optional<string>(row.reason),
    actionId: optional<string>(row.action_id),
    txHash: optional<Hex>(row.tx_hash),
    inProgress: Boolean(row.in_progress),
  };
}

/**
 * Marks done every pending request whose action the actions table records as confirmed (mined without
 * revert), with the action's time and account: the state follows the audit log, never the browser.
 */
export async function reconcileRequests(store: AccountsStore): Promise<void> {
  await store
    .prepare(
      `UPDATE credit_requests SET state = 'done', decided_at = a.updated_at, decided_by = a.account
       FROM actions a WHERE a.id = credit_requests.action_id AND a.state = 'confirmed'
         AND credit_requests.state = 'pending'`,
    )
    .run();
}

export async function findRequest(store: AccountsStore, id: number): Promise<CreditRequest | undefined> {
  await reconcileRequests(store);
  const row = await store.prepare(`${SELECT} WHERE r.id = :id`).get({ id, now: store.now() });
  return row ? requestOf(row) : undefined;
}

/**
 * Requests, pending first (oldest first: the longest waiting on top), then the newest `decidedLimit`
 * decided ones; only `account`'s when given.
 */
export async function listRequests(
  store: AccountsStore,
  { account, decidedLimit }: { account?: Address; decidedLimit: number },
): Promise<CreditRequest[]> {
  await reconcileRequests(store);
  const mine = account ? "AND r.account = :account" : "";
  const params = { now: store.now(), ...(account ? { account } : {}) };
  const pending = await store.prepare(`${SELECT} WHERE r.state = 'pending' ${mine} ORDER BY r.id`).all(params);
  const decided = await store
    .prepare(`${SELECT} WHERE r.state <> 'pending' ${mine} ORDER BY r.decided_at DESC, r.id DESC LIMIT :limit`)
    .all({ ...params, limit: decidedLimit });
  return [...pending, ...decided].map(requestOf);
}

/** What `account`'s pending requests of `kind` add up to, in micro-euro. */
export async function pendingTotal(store: AccountsStore, account: Address, kind: CreditRequestKind): Promise<bigint> {
  await reconcileRequests(store);
  const rows = await store
    .prepare("SELECT amount FROM credit_requests WHERE account = ? AND kind = ? AND state = 'pending'")
    .all(account, kind);
  return rows.reduce((sum, row) => sum + BigInt(row.amount as number), 0n);
}

/** How many requests of `account` wait for the treasurer. */
export async function pendingCount(store: AccountsStore, account: Address): Promise<number> {
  await reconcileRequests(store);
  const row = await store
    .prepare("SELECT count(*) AS n FROM credit_requests WHERE account = ? AND state = 'pending'")
    .get(account);
  return Number(row!.n);
}

export type NewCreditRequest = { account: Address; userId: number; kind: CreditRequestKind; amount: bigint };

/**
 * Records a household's request with a fresh payment reference (drawn again on the rare collision)
 * and the request in the audit log (kind "credit.request"), both or neither.
 */
export async function createRequest(
  store: AccountsStore,
  { account, userId, kind, amount }: NewCreditRequest,
  reference: () => string = newPaymentReference,
): Promise<CreditRequest> {
  return store.transaction(async () => {
    const taken = store.prepare("SELECT 1 AS taken FROM credit_requests WHERE reference = ?");
    let code = reference();
    for (let attempt = 1; await taken.get(code); attempt++) {
      if (attempt >= 10) {
        throw new NachbarstromError("No free payment reference for a credit request", {
          details: `${attempt} draws were all taken, the last ${code}; is the random source broken?`,
        });
      }
      code = reference();
    }
    const inserted = await store
      .prepare(
        `INSERT INTO credit_requests (account, kind, amount, reference, state, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id`,
      )
      .get(account, kind, amount, code, store.now());
    const id = Number(inserted!.id);
    await recordDone(store, {
      account,
      userId,
      kind: "credit.request",
      details: { requestId: id, kind, amount, reference: code },
    });
    return (await findRequest(store, id))!;
  });
}
