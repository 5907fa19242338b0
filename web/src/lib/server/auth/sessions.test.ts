import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { custodyKey } from "./custody.ts";
import { bindAccount, checkInvitation, issueInvitation, redeemInvitation } from "./invitations.ts";
import { SESSION_LIFETIME_MS, createSession, deleteSession, pruneExpired, sessionUser } from "./sessions.ts";
import { testStore } from "./test-store.test-helper.ts";
import { hashToken } from "./tokens.ts";

function storeWithUser() {
  const store = testStore();
  const account = privateKeyToAddress(generatePrivateKey());
  bindAccount(store, { account, custody: { kind: "external" }, encryptionKey: custodyKey("y".repeat(32)) });
  const check = checkInvitation(store, issueInvitation(store, { account }).code);
  assert.ok(check.ok);
  const { userId } = redeemInvitation(store, check.invitation.id, "handle");
  return { store, account, userId };
}

describe("sessions", () => {
  it("find the user by the cookie's id, and store only its hash", () => {
    const { store, account, userId } = storeWithUser();
    const { id } = createSession(store, userId);
    assert.deepEqual(sessionUser(store, id), { id: userId, account, custody: "external" });
    const row = store.db.prepare("SELECT id_hash FROM sessions").get()!;
    assert.equal(row.id_hash, hashToken(id));
    assert.equal(sessionUser(store, "not-a-session"), undefined);
    assert.equal(sessionUser(store, undefined), undefined);
  });

  it("expire after their lifetime, and are deleted then", () => {
    const { store, userId } = storeWithUser();
    const { id } = createSession(store, userId);
    store.advance(SESSION_LIFETIME_MS - 1);
    assert.ok(sessionUser(store, id));
    store.advance(1);
    assert.equal(sessionUser(store, id), undefined);
    assert.equal(store.db.prepare("SELECT count(*) AS n FROM sessions").get()!.n, 0);
  });

  it("end at sign-out", () => {
    const { store, userId } = storeWithUser();
    const { id } = createSession(store, userId);
    deleteSession(store, id);
    assert.equal(sessionUser(store, id), undefined);
  });

  it("are pruned when expired", () => {
    const { store, userId } = storeWithUser();
    createSession(store, userId);
    store.advance(SESSION_LIFETIME_MS);
    pruneExpired(store);
    assert.equal(store.db.prepare("SELECT count(*) AS n FROM sessions").get()!.n, 0);
  });
});
