import type { Address } from "viem";
import { markOutcome, recordDone } from "../actions/store.ts";
import type { AccountsStore } from "../auth/store.ts";
import { ACTION_IS_LIVE, findRequest, reconcileRequests, type CreditRequest } from "./requests.ts";

/**
 * Why a request cannot be decided now: unknown (no such request, or not the household's own),
 * decided (no longer pending), in-progress (its topUp/payOut action is under way).
 */
export type DecisionProblem = "unknown" | "decided" | "in-progress";

export type DecisionResult = { ok: true; request: CreditRequest } | { ok: false; problem: DecisionProblem };

/** SQL: the request has no action under way (none, or one that failed, expired or ran out of time). */
const NO_LIVE_ACTION = `(action_id IS NULL OR NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = action_id AND ${ACTION_IS_LIVE}))`;

async function problemOf(store: AccountsStore, id: number, account?: Address): Promise<DecisionResult> {
  const request = await findRequest(store, id);
  if (!request || (account && request.account !== account)) return { ok: false, problem: "unknown" };
  return { ok: false, problem: request.state === "pending" ? "in-progress" : "decided" };
}

/** Ends a pending request in `state` with who and why, in one statement; false when it was not decidable. */
async function decide(
  store: AccountsStore,
  {
    id,
    state,
    by,
    reason,
    account,
  }: { id: number; state: "cancelled" | "rejected"; by: Address; reason?: string; account?: Address },
): Promise<boolean> {
  const { changes } = await store
    .prepare(
      `UPDATE credit_requests SET state = :state, decided_at = :now, decided_by = :by, reason = :reason
       WHERE id = :id AND state = 'pending' ${account ? "AND account = :account" : ""} AND ${NO_LIVE_ACTION}`,
    )
    .run({ id, state, by, reason: reason ?? null, now: store.now(), ...(account ? { account } : {}) });
  return Number(changes) === 1;
}

/** The household withdraws its own pending request (audit log: "credit.request.cancel"). */
export async function cancelRequest(
  store: AccountsStore,
  { id, account, userId }: { id: number; account: Address; userId: number },
): Promise<DecisionResult> {
  await reconcileRequests(store);
  return store.transaction(async () => {
    if (!(await decide(store, { id, state: "cancelled", by: account, account })))
      return await problemOf(store, id, account);
    const request = (await findRequest(store, id))!;
    await recordDone(store, { account, userId, kind: "credit.request.cancel", details: { requestId: id } });
    return { ok: true, request };
  });
}

/** The treasurer turns a pending request down with a reason the household sees ("credit.request.reject"). */
export async function rejectRequest(
  store: AccountsStore,
  { id, by, userId, reason }: { id: number; by: Address; userId: number; reason: string },
): Promise<DecisionResult> {
  await reconcileRequests(store);
  return store.transaction(async () => {
    if (!(await decide(store, { id, state: "rejected", by, reason }))) return await problemOf(store, id);
    const request = (await findRequest(store, id))!;
    await recordDone(store, {
      account: by,
      userId,
      kind: "credit.request.reject",
      details: { requestId: id, account: request.account, kind: request.kind, amount: request.amount, reason },
    });
    return { ok: true, request };
  });
}

/**
 * Ties a freshly prepared topUp/payOut action to its request, if the request is still pending and
 * still carries `previous` (the action it had when the preparation began): of two preparations that
 * race, only the first is tied; the other's action is marked failed before its browser sees it, so it
 * can never be confirmed, and a request is carried out at most once.
 */
export async function tieAction(
  store: AccountsStore,
  { id, previous, actionId }: { id: number; previous: string | undefined; actionId: string },
): Promise<boolean> {
  return store.transaction(async () => {
    const { changes } = await store
      .prepare(
        `UPDATE credit_requests SET action_id = :actionId
         WHERE id = :id AND state = 'pending' AND action_id IS NOT DISTINCT FROM :previous AND ${NO_LIVE_ACTION}`,
      )
      .run({ id, actionId, previous: previous ?? null, now: store.now() });
    if (Number(changes) === 1) return true;
    await markOutcome(store, actionId, "failed", `credit request ${id} is decided or carried by another action`);
    return false;
  });
}
