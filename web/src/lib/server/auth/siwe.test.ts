import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient, custom } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage, type SiweMessage } from "viem/siwe";
import { custodyKey } from "./custody.ts";
import { bindAccount } from "./invitations.ts";
import {
  SIWE_NONCE_VALIDITY_MS,
  issueSiweNonce,
  siweExpectation,
  verifySiweSignIn,
  WalletSignInError,
  type WalletProblem,
} from "./siwe.ts";
import { testStore } from "./test-store.test-helper.ts";

const expected = siweExpectation(new URL("http://127.0.0.1:5173/signin"), 31337, {});
const encryptionKey = custodyKey("z".repeat(32));

/** A client whose chain answers nothing: an ordinary account's signature is checked by recovery alone. */
const offline = createClient({
  transport: custom(
    {
      request: () => Promise.reject(new Error("no chain in unit tests")),
    },
    { retryCount: 0 },
  ),
});

async function setUp() {
  const store = await testStore();
  const wallet = privateKeyToAccount(generatePrivateKey());
  await bindAccount(store, { account: wallet.address, custody: { kind: "external" }, encryptionKey });
  return { store, wallet };
}

async function signedIn(
  store: Awaited<ReturnType<typeof testStore>>,
  wallet: PrivateKeyAccount,
  change: Partial<SiweMessage> = {},
  attemptOverride?: string,
) {
  const { nonce, attempt } = await issueSiweNonce(store);
  const message = createSiweMessage({
    address: wallet.address,
    domain: expected.domain,
    uri: expected.uri,
    chainId: expected.chainId,
    version: "1",
    nonce,
    issuedAt: new Date(store.now()),
    ...change,
  });
  const signature = await wallet.signMessage({ message });
  const sign = () =>
    verifySiweSignIn(store, { message, signature, attempt: attemptOverride ?? attempt, expected, client: offline });
  return { nonce, attempt, message, signature, sign };
}

async function refused(promise: Promise<unknown>, problem: WalletProblem): Promise<void> {
  await assert.rejects(promise, (cause: unknown) => cause instanceof WalletSignInError && cause.problem === problem);
}

describe("wallet sign-in (EIP-4361)", () => {
  it("names the portal's host and origin from ORIGIN", async () => {
    assert.deepEqual(siweExpectation(new URL("http://internal:3000/"), 1337, { ORIGIN: "https://portal.example" }), {
      domain: "portal.example",
      uri: "https://portal.example",
      chainId: 1337,
    });
    assert.equal(expected.domain, "127.0.0.1:5173");
  });

  it("accepts a valid message from a wallet the utility bound, and creates its user once", async () => {
    const { store, wallet } = await setUp();
    const first = await (await signedIn(store, wallet)).sign();
    assert.equal(first.account, wallet.address);
    const second = await (await signedIn(store, wallet)).sign();
    assert.equal(second.userId, first.userId);
    assert.equal((await store.prepare("SELECT count(*) AS n FROM users").get())!.n, 1);
  });

  it("uses a nonce once", async () => {
    const { store, wallet } = await setUp();
    const attempt = await signedIn(store, wallet);
    await attempt.sign();
    await refused(attempt.sign(), "challenge");
  });

  it("refuses an expired nonce, and removes expired ones when issuing", async () => {
    const { store, wallet } = await setUp();
    const attempt = await signedIn(store, wallet);
    store.advance(SIWE_NONCE_VALIDITY_MS);
    await refused(attempt.sign(), "challenge");
    await issueSiweNonce(store);
    store.advance(SIWE_NONCE_VALIDITY_MS);
    await issueSiweNonce(store);
    assert.equal((await store.prepare("SELECT count(*) AS n FROM siwe_nonces").get())!.n, 1);
  });

  it("refuses a nonce another browser asked for", async () => {
    const { store, wallet } = await setUp();
    await refused((await signedIn(store, wallet, {}, "someone-elses-attempt")).sign(), "challenge");
    const noCookie = await signedIn(store, wallet);
    await refused(verifySiweSignIn(store, { ...noCookie, attempt: undefined, expected, client: offline }), "challenge");
  });

  it("refuses a nonce the portal never issued", async () => {
    const { store, wallet } = await setUp();
    const attempt = await signedIn(store, wallet, { nonce: "abcdefgh12345678" });
    await refused(attempt.sign(), "challenge");
  });

  it("refuses a message for another domain, origin or chain", async () => {
    const { store, wallet } = await setUp();
    for (const change of [
      { domain: "evil.example" },
      { uri: "https://evil.example" },
      { chainId: 1 },
    ] satisfies Partial<SiweMessage>[]) {
      await refused((await signedIn(store, wallet, change)).sign(), "not-verified");
    }
  });

  it("refuses an expired message, or one issued long before its nonce", async () => {
    const { store, wallet } = await setUp();
    const expired = await signedIn(store, wallet, { expirationTime: new Date(store.now() + 60_000) });
    store.advance(60_000);
    await refused(expired.sign(), "not-verified");
    const stale = await signedIn(store, wallet, { issuedAt: new Date(store.now() - 60 * 60 * 1000) });
    await refused(stale.sign(), "not-verified");
    const future = await signedIn(store, wallet, { issuedAt: new Date(store.now() + 60 * 60 * 1000) });
    await refused(future.sign(), "not-verified");
  });

  it("refuses a signature by another key", async () => {
    const { store, wallet } = await setUp();
    const attempt = await signedIn(store, wallet);
    const other = privateKeyToAccount(generatePrivateKey());
    const signature = await other.signMessage({ message: attempt.message });
    await refused(verifySiweSignIn(store, { ...attempt, signature, expected, client: offline }), "not-verified");
    await refused(
      verifySiweSignIn(store, { ...(await signedIn(store, wallet)), signature: "nonsense", expected, client: offline }),
      "not-verified",
    );
  });

  it("refuses an account the portal does not know, and one whose key the portal holds", async () => {
    const { store } = await setUp();
    const stranger = privateKeyToAccount(generatePrivateKey());
    await refused((await signedIn(store, stranger)).sign(), "unknown-account");
    const key = generatePrivateKey();
    const custodial = privateKeyToAccount(key);
    await bindAccount(store, {
      account: custodial.address,
      custody: { kind: "server", privateKey: key },
      encryptionKey,
    });
    await refused((await signedIn(store, custodial)).sign(), "custodial");
    assert.equal((await store.prepare("SELECT count(*) AS n FROM users").get())!.n, 0);
  });
});
