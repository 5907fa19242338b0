import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { custodyKey, decryptPrivateKey } from "./custody.ts";
import {
  bindAccount,
  checkInvitation,
  INVITATION_VALIDITY_MS,
  InvitationError,
  issueInvitation,
  newCustodialAccount,
  redeemInvitation,
} from "./invitations.ts";
import { testStore } from "./test-store.test-helper.ts";
import { hashToken, normaliseInvitationCode } from "./tokens.ts";

const key = custodyKey("a test secret that is long enough for the portal");
const wallet = privateKeyToAddress(generatePrivateKey());

describe("invitations", () => {
  it("stores only the code's hash and accepts the code in any case, with or without dashes", () => {
    const store = testStore();
    bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = issueInvitation(store, { account: wallet });
    assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    const row = store.db.prepare("SELECT code_hash FROM invitations").get()!;
    assert.equal(row.code_hash, hashToken(normaliseInvitationCode(code)!));
    assert.equal(JSON.stringify(store.db.prepare("SELECT * FROM invitations").all()).includes(code), false);
    const typed = ` ${code.toLowerCase().replaceAll("-", " ")} `;
    const check = checkInvitation(store, typed);
    assert.deepEqual(check, { ok: true, invitation: { id: 1, account: wallet } });
  });

  it("can be redeemed once", () => {
    const store = testStore();
    bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = issueInvitation(store, { account: wallet });
    const check = checkInvitation(store, code);
    assert.ok(check.ok);
    const redeemed = redeemInvitation(store, check.invitation.id, "handle-1");
    assert.equal(redeemed.account, wallet);
    assert.deepEqual(checkInvitation(store, code), { ok: false, problem: "used" });
    assert.throws(
      () => redeemInvitation(store, check.invitation.id, "handle-1"),
      (e: unknown) => {
        return e instanceof InvitationError && e.problem === "used";
      },
    );
  });

  it("expires after its validity", () => {
    const store = testStore();
    bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = issueInvitation(store, { account: wallet });
    store.advance(INVITATION_VALIDITY_MS - 1);
    const check = checkInvitation(store, code);
    assert.ok(check.ok);
    store.advance(1);
    assert.deepEqual(checkInvitation(store, code), { ok: false, problem: "expired" });
    assert.throws(
      () => redeemInvitation(store, check.invitation.id, "handle"),
      (e: unknown) => e instanceof InvitationError && e.problem === "expired",
    );
  });

  it("tells a malformed code from an unknown one", () => {
    const store = testStore();
    assert.deepEqual(checkInvitation(store, "hello"), { ok: false, problem: "malformed" });
    assert.deepEqual(checkInvitation(store, "0000-0000-0000-0000-0000"), { ok: false, problem: "unknown" });
  });

  it("gives a second invitation of the same account to the same user", () => {
    const store = testStore();
    bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const first = checkInvitation(store, issueInvitation(store, { account: wallet }).code);
    const second = checkInvitation(store, issueInvitation(store, { account: wallet }).code);
    assert.ok(first.ok && second.ok);
    const a = redeemInvitation(store, first.invitation.id, "handle-a");
    const b = redeemInvitation(store, second.invitation.id, "handle-b");
    assert.equal(a.userId, b.userId);
  });

  it("refuses an invitation for an account it does not know", () => {
    assert.throws(() => issueInvitation(testStore(), { account: wallet }), /bound account/);
  });
});

describe("custodial accounts", () => {
  it("keep the generated key encrypted, bound to the account", () => {
    const store = testStore();
    const account = newCustodialAccount(store, key);
    const row = store.db.prepare("SELECT custody, encrypted_key FROM accounts WHERE address = ?").get(account)!;
    assert.equal(row.custody, "server");
    assert.match(String(row.encrypted_key), /^v1\./);
    assert.equal(privateKeyToAddress(decryptPrivateKey(key, account, String(row.encrypted_key))), account);
  });

  it("refuse a key that belongs to another account", () => {
    assert.throws(
      () =>
        bindAccount(testStore(), {
          account: wallet,
          custody: { kind: "server", privateKey: generatePrivateKey() },
          encryptionKey: key,
        }),
      /does not belong/,
    );
  });
});
