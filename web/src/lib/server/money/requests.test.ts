import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { findAction, insertPrepared, listActions, markOutcome } from "../actions/store.ts";
import { testStore } from "../auth/test-store.test-helper.ts";
import { cancelRequest, rejectRequest, tieAction } from "./decisions.ts";
import { createRequest, findRequest, listRequests, pendingTotal } from "./requests.ts";

const HOUSEHOLD = "0x00000000000000000000000000000000000000A1" as Address;
const OTHER = "0x00000000000000000000000000000000000000B2" as Address;
const TREASURER = "0x00000000000000000000000000000000000000C3" as Address;

async function storeWithAccounts() {
  const store = await testStore();
  for (const address of [HOUSEHOLD, OTHER, TREASURER]) {
    await store
      .prepare("INSERT INTO accounts (address, custody, encrypted_key, created_at) VALUES (?, 'external', NULL, 0)")
      .run(address);
  }
  return store;
}

async function prepareFor(store: Awaited<ReturnType<typeof storeWithAccounts>>, requestId: number) {
  return await insertPrepared(store, {
    account: TREASURER,
    userId: 3,
    kind: "credit.top-up",
    details: { requestId },
    via: "wallet",
    to: OTHER,
    calldata: "0x1234",
  });
}

describe("credit requests", () => {
  it("records a pending request with a unique reference and an audit entry", async () => {
    const store = await storeWithAccounts();
    const references = ["NS-AAAA-AA", "NS-AAAA-AA", "NS-BBBB-BB"];
    const first = await createRequest(
      store,
      { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 25_000_000n },
      () => references.shift()!,
    );
    const second = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "pay-out", amount: 10_000n }, () =>
      references.shift()!,
    );
    assert.equal(first.reference, "NS-AAAA-AA");
    assert.equal(second.reference, "NS-BBBB-BB", "a taken reference is drawn again");
    assert.equal(first.state, "pending");
    assert.equal(first.amount, 25_000_000n);
    const [audit] = await listActions(store, { kinds: ["credit.request"], limit: 1 });
    assert.equal(audit.kind, "credit.request");
    assert.deepEqual(audit.details, {
      requestId: second.id,
      kind: "pay-out",
      amount: "10000",
      reference: "NS-BBBB-BB",
    });
    assert.equal(await pendingTotal(store, HOUSEHOLD, "pay-out"), 10_000n);
    assert.equal(await pendingTotal(store, HOUSEHOLD, "top-up"), 25_000_000n);
  });

  it("lists pending requests first, oldest first, then decided ones, newest first", async () => {
    const store = await storeWithAccounts();
    const make = async (account: Address) =>
      (await createRequest(store, { account, userId: 1, kind: "top-up", amount: 1_000_000n })).id;
    const [a, b, c, d] = [await make(HOUSEHOLD), await make(OTHER), await make(HOUSEHOLD), await make(HOUSEHOLD)];
    store.advance(1000);
    await cancelRequest(store, { id: a, account: HOUSEHOLD, userId: 1 });
    store.advance(1000);
    await rejectRequest(store, { id: d, by: TREASURER, userId: 3, reason: "no transfer arrived" });
    assert.deepEqual(
      (await listRequests(store, { decidedLimit: 10 })).map((r) => r.id),
      [b, c, d, a],
    );
    assert.deepEqual(
      (await listRequests(store, { account: HOUSEHOLD, decidedLimit: 1 })).map((r) => r.id),
      [c, d],
    );
  });

  it("is done only when its tied action is confirmed in the actions table", async () => {
    const store = await storeWithAccounts();
    const request = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 2_000_000n });
    const action = await prepareFor(store, request.id);
    assert.ok(await tieAction(store, { id: request.id, previous: undefined, actionId: action.id }));
    assert.equal((await findRequest(store, request.id))!.state, "pending");
    assert.ok((await findRequest(store, request.id))!.inProgress);
    await markOutcome(store, action.id, "confirmed");
    const done = (await findRequest(store, request.id))!;
    assert.equal(done.state, "done");
    assert.equal(done.decidedBy, TREASURER);
    assert.equal(done.actionId, action.id);
    assert.equal(done.inProgress, false);
  });

  it("ties at most one live action: a racing second preparation is failed", async () => {
    const store = await storeWithAccounts();
    const request = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 2_000_000n });
    const first = await prepareFor(store, request.id);
    const second = await prepareFor(store, request.id);
    assert.ok(await tieAction(store, { id: request.id, previous: undefined, actionId: first.id }));
    assert.equal(await tieAction(store, { id: request.id, previous: undefined, actionId: second.id }), false);
    assert.equal((await findAction(store, second.id))!.state, "failed");
    assert.equal((await findRequest(store, request.id))!.actionId, first.id);
  });

  it("may be carried out again once its action failed or ran out of time, not while it is under way", async () => {
    const store = await storeWithAccounts();
    const request = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 2_000_000n });
    const first = await prepareFor(store, request.id);
    await tieAction(store, { id: request.id, previous: undefined, actionId: first.id });
    const early = await prepareFor(store, request.id);
    assert.equal(
      await tieAction(store, { id: request.id, previous: first.id, actionId: early.id }),
      false,
      "first is live",
    );
    store.advance(5 * 60 * 1000 + 1);
    assert.equal((await findRequest(store, request.id))!.inProgress, false, "its validity ran out");
    const retry = await prepareFor(store, request.id);
    assert.ok(await tieAction(store, { id: request.id, previous: first.id, actionId: retry.id }));
    await markOutcome(store, retry.id, "failed", "reverted");
    const again = await prepareFor(store, request.id);
    assert.ok(await tieAction(store, { id: request.id, previous: retry.id, actionId: again.id }));
  });

  it("lets the household cancel only its own pending request without an action under way", async () => {
    const store = await storeWithAccounts();
    const request = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "pay-out", amount: 5_000_000n });
    assert.deepEqual(await cancelRequest(store, { id: request.id, account: OTHER, userId: 2 }), {
      ok: false,
      problem: "unknown",
    });
    const action = await prepareFor(store, request.id);
    await tieAction(store, { id: request.id, previous: undefined, actionId: action.id });
    assert.deepEqual(await cancelRequest(store, { id: request.id, account: HOUSEHOLD, userId: 1 }), {
      ok: false,
      problem: "in-progress",
    });
    await markOutcome(store, action.id, "failed", "cancelled passkey");
    const cancelled = await cancelRequest(store, { id: request.id, account: HOUSEHOLD, userId: 1 });
    assert.ok(cancelled.ok);
    assert.equal(cancelled.request.state, "cancelled");
    assert.equal(cancelled.request.decidedBy, HOUSEHOLD);
    assert.deepEqual(await cancelRequest(store, { id: request.id, account: HOUSEHOLD, userId: 1 }), {
      ok: false,
      problem: "decided",
    });
    assert.equal((await listActions(store, { kinds: ["credit.request.cancel"], limit: 5 })).length, 1);
  });

  it("records a rejection with its reason in the request and the audit log", async () => {
    const store = await storeWithAccounts();
    const request = await createRequest(store, { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 30_000_000n });
    const rejected = await rejectRequest(store, { id: request.id, by: TREASURER, userId: 3, reason: "no transfer" });
    assert.ok(rejected.ok);
    assert.equal(rejected.request.state, "rejected");
    assert.equal(rejected.request.reason, "no transfer");
    const [audit] = await listActions(store, { kinds: ["credit.request.reject"], limit: 1 });
    assert.equal(audit.account, TREASURER);
    assert.deepEqual(audit.details, {
      requestId: request.id,
      account: HOUSEHOLD,
      kind: "top-up",
      amount: "30000000",
      reason: "no transfer",
    });
    assert.deepEqual(await rejectRequest(store, { id: request.id, by: TREASURER, userId: 3, reason: "again" }), {
      ok: false,
      problem: "decided",
    });
    assert.deepEqual(await rejectRequest(store, { id: 999, by: TREASURER, userId: 3, reason: "x" }), {
      ok: false,
      problem: "unknown",
    });
  });
});
