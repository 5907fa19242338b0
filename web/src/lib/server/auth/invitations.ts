import { getAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { encryptPrivateKey } from "./custody.ts";
import { AccountsError } from "./errors.ts";
import type { AccountsStore } from "./store.ts";
import { hashToken, newInvitationCode, normaliseInvitationCode } from "./tokens.ts";

/** How long an invitation code stays valid unless the utility says otherwise: 14 days. */
export const INVITATION_VALIDITY_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Who holds an account's key. `server`: the utility, for a household without a wallet (the key is
 * stored encrypted and never leaves the server); `external`: a wallet, or the utility's own signer.
 */
export type Custody = { kind: "server"; privateKey: Hex } | { kind: "external" };

export type BindAccountParameters = { account: Address; custody: Custody; encryptionKey: Buffer };

/** Records an account and, for server custody, its key encrypted. Binding the same account twice is a no-op. */
export async function bindAccount(
  store: AccountsStore,
  { account, custody, encryptionKey }: BindAccountParameters,
): Promise<void> {
  const address = getAddress(account);
  if (custody.kind === "server" && privateKeyToAddress(custody.privateKey) !== address) {
    throw new AccountsError("The key does not belong to the account", { details: `account ${address}` });
  }
  await store.transaction(async () => {
    const existing = await store.prepare("SELECT custody FROM accounts WHERE address = ?").get(address);
    if (existing) {
      if (existing.custody !== custody.kind) {
        throw new AccountsError("The account is already known with another custody", {
          details: `account ${address} is held '${String(existing.custody)}', not '${custody.kind}'`,
        });
      }
      return;
    }
    await store
      .prepare("INSERT INTO accounts (address, custody, encrypted_key, created_at) VALUES (?, ?, ?, ?)")
      .run(
        address,
        custody.kind,
        custody.kind === "server" ? encryptPrivateKey(encryptionKey, address, custody.privateKey) : null,
        store.now(),
      );
  });
}

/** A new account whose key the server generates and keeps encrypted: for a household without a wallet. */
export async function newCustodialAccount(store: AccountsStore, encryptionKey: Buffer): Promise<Address> {
  const privateKey = generatePrivateKey();
  const account = privateKeyToAddress(privateKey);
  await bindAccount(store, { account, custody: { kind: "server", privateKey }, encryptionKey });
  return account;
}

export type IssueInvitationParameters = { account: Address; validForMs?: number };
export type IssueInvitationReturnType = { code: string; account: Address; expiresAt: number };

/** Issues a single-use invitation code for a bound account; only the code's hash is stored. */
export async function issueInvitation(
  store: AccountsStore,
  { account, validForMs = INVITATION_VALIDITY_MS }: IssueInvitationParameters,
): Promise<IssueInvitationReturnType> {
  const address = getAddress(account);
  const code = newInvitationCode();
  const now = store.now();
  const expiresAt = now + validForMs;
  if (!(await store.prepare("SELECT 1 AS known FROM accounts WHERE address = ?").get(address))) {
    throw new AccountsError("An invitation needs a bound account", { details: `account ${address} is not bound` });
  }
  await store
    .prepare("INSERT INTO invitations (code_hash, account, created_at, expires_at) VALUES (?, ?, ?, ?)")
    .run(hashToken(normaliseInvitationCode(code)!), address, now, expiresAt);
  return { code, account: address, expiresAt };
}

/** Why a code cannot be redeemed; each has a message in the i18n files (`invitation.error.<reason>`). */
export type InvitationProblem = "malformed" | "unknown" | "used" | "expired";
export type UsableInvitation = { id: number; account: Address };
export type CheckInvitationReturnType =
  { ok: true; invitation: UsableInvitation } | { ok: false; problem: InvitationProblem };

/** Whether a code as typed can be redeemed now. */
export async function checkInvitation(store: AccountsStore, input: string): Promise<CheckInvitationReturnType> {
  const code = normaliseInvitationCode(input);
  if (!code) return { ok: false, problem: "malformed" };
  const row = await store
    .prepare("SELECT id, account, expires_at, used_at FROM invitations WHERE code_hash = ?")
    .get(hashToken(code));
  return row ? usable(row, store.now()) : { ok: false, problem: "unknown" };
}

function usable(row: Record<string, unknown>, now: number): CheckInvitationReturnType {
  if (row.used_at !== null) return { ok: false, problem: "used" };
  if (Number(row.expires_at) <= now) return { ok: false, problem: "expired" };
  return { ok: true, invitation: { id: Number(row.id), account: row.account as Address } };
}

/** The code's invitation could not be redeemed (used meanwhile, or expired). */
export class InvitationError extends AccountsError {
  override name = "InvitationError";
  readonly problem: InvitationProblem;
  constructor(problem: InvitationProblem) {
    super(`The invitation cannot be redeemed: ${problem}`);
    this.problem = problem;
  }
}

export type RedeemedInvitation = { userId: number; account: Address };

/**
 * Marks the invitation used and returns the account's user, created with `userHandle` when the account
 * has none yet. Call inside the transaction that stores the new passkey, so both happen or neither.
 */
export async function redeemInvitation(
  store: AccountsStore,
  invitationId: number,
  userHandle: string,
): Promise<RedeemedInvitation> {
  return store.transaction(async () => {
    const row = await store
      .prepare("SELECT id, account, expires_at, used_at FROM invitations WHERE id = ?")
      .get(invitationId);
    if (!row) throw new InvitationError("unknown");
    const check = usable(row, store.now());
    if (!check.ok) throw new InvitationError(check.problem);
    const account = check.invitation.account;
    let user = await store.prepare("SELECT id FROM users WHERE account = ?").get(account);
    if (!user) {
      user = await store
        .prepare("INSERT INTO users (account, webauthn_user_id, created_at) VALUES (?, ?, ?) RETURNING id")
        .get(account, userHandle, store.now());
    }
    const userId = Number(user!.id);
    // Conditional: of two redemptions at once (two portal processes), one finds it used.
    const { changes } = await store
      .prepare("UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL")
      .run(store.now(), userId, invitationId);
    if (changes !== 1) throw new InvitationError("used");
    return { userId, account };
  });
}

/** The user handle a new passkey for this account carries: the existing user's, or undefined. */
export async function userHandleOf(store: AccountsStore, account: Address): Promise<string | undefined> {
  const row = await store.prepare("SELECT webauthn_user_id FROM users WHERE account = ?").get(account);
  return row ? String(row.webauthn_user_id) : undefined;
}
