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
  it("stores only the code's hash and accepts the code in any case, with or without dashes", async () => {
    const store = await testStore();
    await bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = await issueInvitation(store, { account: wallet });
    assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    const row = (await store.prepare("SELECT code_hash FROM invitations").get())!;
    assert.equal(row.code_hash, hashToken(normaliseInvitationCode(code)!));
    assert.equal(JSON.stringify(await store.prepare("SELECT * FROM invitations").all()).includes(code), false);
    const typed = ` ${code.toLowerCase().replaceAll("-", " ")} `;
    const check = await checkInvitation(store, typed);
    assert.deepEqual(check, { ok: true, invitation: { id: 1, account: wallet } });
  });

  it("can be redeemed once", async () => {
    const store = await testStore();
    await bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = await issueInvitation(store, { account: wallet });
    const check = await checkInvitation(store, code);
    assert.ok(check.ok);
    const redeemed = await redeemInvitation(store, check.invitation.id, "handle-1");
    assert.equal(redeemed.account, wallet);
    assert.deepEqual(await checkInvitation(store, code), { ok: false, problem: "used" });
    await assert.rejects(
      async () => await redeemInvitation(store, check.invitation.id, "handle-1"),
      (e: unknown) => {
        return e instanceof InvitationError && e.problem === "used";
      },
    );
  });

  it("expires after its validity", async () => {
    const store = await testStore();
    await bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const { code } = await issueInvitation(store, { account: wallet });
    store.advance(INVITATION_VALIDITY_MS - 1);
    const check = await checkInvitation(store, code);
    assert.ok(check.ok);
    store.advance(1);
    assert.deepEqual(await checkInvitation(store, code), { ok: false, problem: "expired" });
    await assert.rejects(
      async () => await redeemInvitation(store, check.invitation.id, "handle"),
      (e: unknown) => e instanceof InvitationError && e.problem === "expired",
    );
  });

  it("tells a malformed code from an unknown one", async () => {
    const store = await testStore();
    assert.deepEqual(await checkInvitation(store, "hello"), { ok: false, problem: "malformed" });
    assert.deepEqual(await checkInvitation(store, "0000-0000-0000-0000-0000"), { ok: false, problem: "unknown" });
  });

  it("gives a second invitation of the same account to the same user", async () => {
    const store = await testStore();
    await bindAccount(store, { account: wallet, custody: { kind: "external" }, encryptionKey: key });
    const first = await checkInvitation(store, (await issueInvitation(store, { account: wallet })).code);
    const second = await checkInvitation(store, (await issueInvitation(store, { account: wallet })).code);
    assert.ok(first.ok && second.ok);
    const a = await redeemInvitation(store, first.invitation.id, "handle-a");
    const b = await redeemInvitation(store, second.invitation.id, "handle-b");
    assert.equal(a.userId, b.userId);
  });

  it("refuses an invitation for an account it does not know", async () => {
    await assert.rejects(async () => await issueInvitation(await testStore(), { account: wallet }), /bound account/);
  });
});

describe("custodial accounts", () => {
  it("keep the generated key encrypted, bound to the account", async () => {
    const store = await testStore();
    const account = await newCustodialAccount(store, key);
    const row = (await store.prepare("SELECT custody, encrypted_key FROM accounts WHERE address = ?").get(account))!;
    assert.equal(row.custody, "server");
    assert.match(String(row.encrypted_key), /^v1\./);
    assert.equal(privateKeyToAddress(decryptPrivateKey(key, account, String(row.encrypted_key))), account);
  });

  it("refuse a key that belongs to another account", async () => {
    await assert.rejects(
      async () =>
        await bindAccount(await testStore(), {
          account: wallet,
          custody: { kind: "server", privateKey: generatePrivateKey() },
          encryptionKey: key,
        }),
      /does not belong/,
    );
  });
});
