import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { custodyKey } from "./custody.ts";
import { bindAccount, checkInvitation, issueInvitation, redeemInvitation } from "./invitations.ts";
import { SESSION_LIFETIME_MS, createSession, deleteSession, pruneExpired, sessionUser } from "./sessions.ts";
import { testStore } from "./test-store.test-helper.ts";
import { hashToken } from "./tokens.ts";

async function storeWithUser() {
  const store = await testStore();
  const account = privateKeyToAddress(generatePrivateKey());
  await bindAccount(store, { account, custody: { kind: "external" }, encryptionKey: custodyKey("y".repeat(32)) });
  const check = await checkInvitation(store, (await issueInvitation(store, { account })).code);
  assert.ok(check.ok);
  const { userId } = await redeemInvitation(store, check.invitation.id, "handle");
  return { store, account, userId };
}

describe("sessions", () => {
  it("find the user by the cookie's id, and store only its hash", async () => {
    const { store, account, userId } = await storeWithUser();
    const { id } = await createSession(store, userId);
    assert.deepEqual(await sessionUser(store, id), { id: userId, account, custody: "external" });
    const row = (await store.prepare("SELECT id_hash FROM sessions").get())!;
    assert.equal(row.id_hash, hashToken(id));
    assert.equal(await sessionUser(store, "not-a-session"), undefined);
    assert.equal(await sessionUser(store, undefined), undefined);
  });

  it("expire after their lifetime, and are deleted then", async () => {
    const { store, userId } = await storeWithUser();
    const { id } = await createSession(store, userId);
    store.advance(SESSION_LIFETIME_MS - 1);
    assert.ok(await sessionUser(store, id));
    store.advance(1);
    assert.equal(await sessionUser(store, id), undefined);
    assert.equal((await store.prepare("SELECT count(*) AS n FROM sessions").get())!.n, 0);
  });

  it("end at sign-out", async () => {
    const { store, userId } = await storeWithUser();
    const { id } = await createSession(store, userId);
    await deleteSession(store, id);
    assert.equal(await sessionUser(store, id), undefined);
  });

  it("are pruned when expired", async () => {
    const { store, userId } = await storeWithUser();
    await createSession(store, userId);
    store.advance(SESSION_LIFETIME_MS);
    await pruneExpired(store);
    assert.equal((await store.prepare("SELECT count(*) AS n FROM sessions").get())!.n, 0);
  });
});
