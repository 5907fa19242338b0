import { getAddress, isHex, type Address, type Client, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage, verifySiweMessage } from "viem/siwe";
import { AccountsError } from "./errors.ts";
import type { AccountsStore } from "./store.ts";
import { hashToken, randomToken } from "./tokens.ts";

/** How long a nonce may wait for the wallet's signature: 5 minutes, as a passkey challenge. */
export const SIWE_NONCE_VALIDITY_MS = 5 * 60 * 1000;
/** How far a message's issuedAt may lie before its nonce was issued or after now: a wallet's clock drifts. */
export const SIWE_CLOCK_SKEW_MS = 60 * 1000;
/**
 * The cookie that binds a nonce to the browser that asked for it: an opaque random id, the server
 * keeps its SHA-256. A nonce read by another page or device is of no use without it.
 */
export const SIWE_ATTEMPT_COOKIE = "nachbarstrom_siwe";

/**
 * Why a wallet sign-in was refused; each has a message in the i18n files (`wallet.error.<reason>`).
 * `challenge`: the nonce is unknown, used, expired or another browser's; `not-verified`: the message
 * is not for this portal and chain, or the signature is not the account's; `unknown-account`: the
 * portal has no such account; `custodial`: the portal itself holds the account's key, so a wallet
 * signature for it can only come from a leaked key.
 */
export type WalletProblem = "challenge" | "not-verified" | "unknown-account" | "custodial";

export class WalletSignInError extends AccountsError {
  override name = "WalletSignInError";
  readonly problem: WalletProblem;
  constructor(problem: WalletProblem, details?: string) {
    super(`The wallet sign-in was not accepted: ${problem}`, { details });
    this.problem = problem;
  }
}

/** What a message must say to sign in here: EIP-4361 `domain` (host and port), `uri` (origin), chain id. */
export type SiweExpectation = { domain: string; uri: string; chainId: number };

/** From ORIGIN (what adapter-node uses behind a proxy), else from the request's URL, as relying-party.ts. */
export function siweExpectation(
  url: URL,
  chainId: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SiweExpectation {
  const origin = new URL(env.ORIGIN || url.origin);
  return { domain: origin.host, uri: origin.origin, chainId };
}

export type IssueSiweNonceReturnType = { nonce: string; attempt: string; issuedAt: number; expiresAt: number };

/**
 * A new nonce for one sign-in attempt, and the attempt id for its cookie (`attempt`, shown nowhere
 * else). Removes expired nonces first.
 */
export async function issueSiweNonce(store: AccountsStore): Promise<IssueSiweNonceReturnType> {
  const now = store.now();
  await store.prepare("DELETE FROM siwe_nonces WHERE expires_at <= ?").run(now);
  const nonce = generateSiweNonce();
  const attempt = randomToken();
  const expiresAt = now + SIWE_NONCE_VALIDITY_MS;
  await store
    .prepare("INSERT INTO siwe_nonces (nonce, attempt_hash, expires_at) VALUES (?, ?, ?)")
    .run(nonce, hashToken(attempt), expiresAt);
  return { nonce, attempt, issuedAt: now, expiresAt };
}

export type VerifySiweSignInParameters = {
  /** The EIP-4361 message as the wallet signed it. */
  message: string;
  signature: string;
  /** The attempt id from the cookie. */
  attempt: string | undefined;
  expected: SiweExpectation;
  /** A client of the deployment's chain: smart-contract wallets (ERC-1271, ERC-6492) are checked there. */
  client: Client;
};

/**
 * Checks a signed EIP-4361 message: its nonce (taken, so used once, unexpired, this browser's), that
 * it names this portal's domain, origin and chain and a plausible issuedAt, and the signature
 * (viem's verifySiweMessage, which also checks expirationTime and notBefore). Then the account must be
 * one the utility bound without a key (an invitation with the household's wallet address, or the
 * operator's account); its user is created on its first sign-in. Returns the user, for the session.
 */
export async function verifySiweSignIn(
  store: AccountsStore,
  { message, signature, attempt, expected, client }: VerifySiweSignInParameters,
): Promise<{ userId: number; account: Address }> {
  const parsed = parseSiweMessage(message);
  if (!parsed.nonce) throw new WalletSignInError("challenge", "the message has no nonce");
  const now = store.now();
  const row = await store.prepare("DELETE FROM siwe_nonces WHERE nonce = ? RETURNING *").get(parsed.nonce);
  if (!row || Number(row.expires_at) <= now || row.attempt_hash !== hashToken(attempt ?? "")) {
    throw new WalletSignInError("challenge", "unknown, used, expired or another attempt's nonce");
  }
  const mismatch = mismatchOf(parsed, expected, Number(row.expires_at) - SIWE_NONCE_VALIDITY_MS, now);
  if (mismatch) throw new WalletSignInError("not-verified", mismatch);
  if (!isHex(signature)) throw new WalletSignInError("not-verified", "the signature is not hex");
  const verified = await verifySiweMessage(client, {
    message,
    signature: signature as Hex,
    domain: expected.domain,
    nonce: parsed.nonce,
    time: new Date(now),
  }).catch((cause: unknown) => {
    throw new WalletSignInError("not-verified", cause instanceof Error ? cause.message : String(cause));
  });
  if (!verified) throw new WalletSignInError("not-verified", "the signature is not the account's");
  return await userOfWallet(store, getAddress(parsed.address!));
}

/** What in the message is not as this portal asked, or undefined. */
function mismatchOf(
  parsed: ReturnType<typeof parseSiweMessage>,
  expected: SiweExpectation,
  nonceIssuedAt: number,
  now: number,
): string | undefined {
  if (!parsed.address) return "the message has no address";
  if (parsed.domain !== expected.domain) return `domain ${String(parsed.domain)}, not ${expected.domain}`;
  if (parsed.uri !== expected.uri) return `uri ${String(parsed.uri)}, not ${expected.uri}`;
  if (parsed.chainId !== expected.chainId) return `chain id ${String(parsed.chainId)}, not ${expected.chainId}`;
  if (parsed.version !== "1") return `version ${String(parsed.version)}`;
  const issuedAt = parsed.issuedAt?.getTime();
  if (issuedAt === undefined || Number.isNaN(issuedAt)) return "the message has no issuedAt";
  if (issuedAt < nonceIssuedAt - SIWE_CLOCK_SKEW_MS || issuedAt > now + SIWE_CLOCK_SKEW_MS) {
    return `issuedAt ${parsed.issuedAt!.toISOString()} is outside the nonce's lifetime`;
  }
  return undefined;
}

/** The user of an account bound without a key; created on the account's first sign-in. */
async function userOfWallet(store: AccountsStore, account: Address): Promise<{ userId: number; account: Address }> {
  return store.transaction(async () => {
    const known = await store.prepare("SELECT custody FROM accounts WHERE address = ?").get(account);
    if (!known) throw new WalletSignInError("unknown-account", `account ${account}`);
    if (known.custody !== "external") throw new WalletSignInError("custodial", `account ${account}`);
    let user = await store.prepare("SELECT id FROM users WHERE account = ?").get(account);
    user ??= await store
      .prepare("INSERT INTO users (account, webauthn_user_id, created_at) VALUES (?, ?, ?) RETURNING id")
      .get(account, randomToken(), store.now());
    return { userId: Number(user!.id), account };
  });
}
