import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { testStore } from "../auth/test-store.test-helper.ts";
import {
  ACTION_VALIDITY_MS,
  claimForSending,
  findAction,
  insertPrepared,
  listActions,
  markOutcome,
  markSent,
  recordDone,
} from "./store.ts";

const alice = "0x00000000000000000000000000000000000A11CE" as Address;
const bob = "0x0000000000000000000000000000000000000B0B" as Address;
const target = "0x0000000000000000000000000000000000C0FFEE" as Address;
const tx = `0x${"ab".repeat(32)}` as Hex;

async function prepared(
  store: Awaited<ReturnType<typeof testStore>>,
  account = alice,
  userId = 1,
  kind = "credit.top-up",
) {
  return await insertPrepared(store, {
    account,
    userId,
    kind,
    details: { amount: 25_000_000n, request: 7 },
    via: "passkey",
    to: target,
    calldata: "0x1234",
    challenge: `challenge-${Math.random()}`,
  });
}

describe("the actions table (audit log)", () => {
  it("stores a prepared action with its details, bigints as decimal strings", async () => {
    const store = await testStore();
    const action = await prepared(store);
    assert.equal(action.state, "prepared");
    assert.deepEqual(action.details, { amount: "25000000", request: 7 });
    assert.equal(action.expiresAt, action.createdAt + ACTION_VALIDITY_MS);
    assert.equal((await findAction(store, action.id))?.calldata, "0x1234");
  });

  it("lets a prepared action be claimed for sending once, and only by its own user", async () => {
    const store = await testStore();
    const action = await prepared(store);
    assert.equal(await claimForSending(store, action.id, 2), undefined, "another user");
    const claimed = await claimForSending(store, action.id, 1);
    assert.equal(claimed?.state, "sending");
    assert.equal(claimed?.challenge, undefined, "the challenge is used up");
    assert.equal(await claimForSending(store, action.id, 1), undefined, "a second confirmation sends nothing");
  });

  it("expires an action that waited longer than its validity", async () => {
    const store = await testStore();
    const action = await prepared(store);
    store.advance(ACTION_VALIDITY_MS);
    assert.equal(await claimForSending(store, action.id, 1), undefined);
    assert.equal((await findAction(store, action.id))?.state, "expired");
  });

  it("records the transaction and how it ended", async () => {
    const store = await testStore();
    const action = await prepared(store);
    await claimForSending(store, action.id, 1);
    await markSent(store, action.id, tx);
    assert.equal((await findAction(store, action.id))?.state, "sent");
    await markOutcome(store, action.id, "failed", "reverted in block 9");
    const ended = (await findAction(store, action.id))!;
    assert.deepEqual([ended.state, ended.txHash, ended.error], ["failed", tx, "reverted in block 9"]);
  });

  it("lists newest first, by account and by kind prefix, with paging", async () => {
    const store = await testStore();
    const first = await prepared(store, alice, 1, "credit.top-up");
    const second = await recordDone(store, {
      account: bob,
      userId: 2,
      kind: "invitation.issue",
      details: { for: alice },
    });
    const third = await prepared(store, alice, 1, "tariff.announce");
    assert.deepEqual(
      (await listActions(store, { limit: 10 })).map((a) => a.id),
      [third.id, second.id, first.id],
    );
    assert.deepEqual(
      (await listActions(store, { account: alice, limit: 10 })).map((a) => a.id),
      [third.id, first.id],
    );
    assert.deepEqual(
      (await listActions(store, { kinds: ["credit.", "invitation."], limit: 10 })).map((a) => a.id),
      [second.id, first.id],
    );
    assert.deepEqual(
      (await listActions(store, { limit: 1, before: third.seq })).map((a) => a.id),
      [second.id],
    );
    assert.equal(second.state, "done");
    assert.equal(second.via, "none");
  });

  it("treats % and _ in a kind prefix literally", async () => {
    const store = await testStore();
    await prepared(store, alice, 1, "credit.top-up");
    assert.equal((await listActions(store, { kinds: ["credit%"], limit: 10 })).length, 0);
    assert.equal((await listActions(store, { kinds: ["_redit."], limit: 10 })).length, 0);
  });
});
