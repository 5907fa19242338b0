import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { AccountsError } from "./errors.ts";
import { redeemInvitation, userHandleOf, type UsableInvitation } from "./invitations.ts";
import type { RelyingParty } from "./relying-party.ts";
import { pruneExpired } from "./sessions.ts";
import type { AccountsStore } from "./store.ts";
import { randomToken } from "./tokens.ts";

/** How long a challenge may wait for the authenticator's answer: 5 minutes. */
export const CHALLENGE_VALIDITY_MS = 5 * 60 * 1000;

/** Why a passkey was not accepted; each has a message in the i18n files (`passkey.error.<reason>`). */
export type PasskeyProblem = "challenge" | "unknown-credential" | "not-verified";

export class PasskeyError extends AccountsError {
  override name = "PasskeyError";
  readonly problem: PasskeyProblem;
  constructor(problem: PasskeyProblem, details?: string) {
    super(`The passkey was not accepted: ${problem}`, { details });
    this.problem = problem;
  }
}

/** Options for navigator.credentials.create(): a discoverable passkey for the invitation's account. */
export async function registrationOptions(
  store: AccountsStore,
  { invitation, rp }: { invitation: UsableInvitation; rp: RelyingParty },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const userHandle = (await userHandleOf(store, invitation.account)) ?? randomToken();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: invitation.account,
    userID: Buffer.from(userHandle, "base64url"),
    userDisplayName: rp.userDisplayName,
    attestationType: "none",
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    timeout: CHALLENGE_VALIDITY_MS,
  });
  await store
    .prepare(
      "INSERT INTO challenges (challenge, purpose, invitation_id, user_handle, expires_at) VALUES (?, 'register', ?, ?, ?)",
    )
    .run(options.challenge, invitation.id, userHandle, store.now() + CHALLENGE_VALIDITY_MS);
  return options;
}

/**
 * Checks a new passkey against its challenge; in one transaction redeems the invitation (single use)
 * and stores the credential. Returns the user, for the session.
 */
export async function verifyRegistration(
  store: AccountsStore,
  { response, rp }: { response: RegistrationResponseJSON; rp: RelyingParty },
): Promise<{ userId: number }> {
  const challenge = await takeChallenge(store, response.response.clientDataJSON, "register");
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: String(challenge.challenge),
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
  }).catch((cause: unknown) => {
    throw new PasskeyError("not-verified", cause instanceof Error ? cause.message : String(cause));
  });
  if (!verification.verified) throw new PasskeyError("not-verified");
  const { credential } = verification.registrationInfo;
  return store.transaction(async () => {
    const { userId } = await redeemInvitation(store, Number(challenge.invitation_id), String(challenge.user_handle));
    await store
      .prepare(
        "INSERT INTO credentials (id, user_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        credential.id,
        userId,
        credential.publicKey,
        credential.counter,
        JSON.stringify(credential.transports ?? []),
        store.now(),
      );
    return { userId };
  });
}

/** Options for navigator.credentials.get() without allowCredentials: the browser offers its passkeys. */
export async function authenticationOptions(
  store: AccountsStore,
  rp: RelyingParty,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await pruneExpired(store);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
    timeout: CHALLENGE_VALIDITY_MS,
  });
  await store
    .prepare("INSERT INTO challenges (challenge, purpose, expires_at) VALUES (?, 'authenticate', ?)")
    .run(options.challenge, store.now() + CHALLENGE_VALIDITY_MS);
  return options;
}

/** Checks a sign-in with a stored passkey and moves its signature counter on. Returns the user. */
export async function verifyAuthentication(
  store: AccountsStore,
  { response, rp }: { response: AuthenticationResponseJSON; rp: RelyingParty },
): Promise<{ userId: number }> {
  const challenge = await takeChallenge(store, response.response.clientDataJSON, "authenticate");
  return verifyAssertion(store, { response, rp, expectedChallenge: String(challenge.challenge) });
}

/** The challenge a WebAuthn response answers, read from its clientDataJSON. */
export function challengeOf(clientDataJSON: string): string {
  let challenge: unknown;
  try {
    challenge = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")).challenge;
  } catch {
    throw new PasskeyError("challenge", "clientDataJSON is not JSON");
  }
  if (typeof challenge !== "string") throw new PasskeyError("challenge", "clientDataJSON has no challenge");
  return challenge;
}

/**
 * Checks an assertion of a stored passkey against the challenge it must answer (with user
 * verification), optionally only a passkey of `userId`, and moves its signature counter on.
 */
export async function verifyAssertion(
  store: AccountsStore,
  {
    response,
    rp,
    expectedChallenge,
    userId,
  }: { response: AuthenticationResponseJSON; rp: RelyingParty; expectedChallenge: string; userId?: number },
): Promise<{ userId: number }> {
  const row = await store
    .prepare(
      `SELECT c.id, c.user_id, c.public_key, c.counter, c.transports, u.webauthn_user_id
       FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.id = ?`,
    )
    .get(response.id);
  if (!row) throw new PasskeyError("unknown-credential", `credential ${response.id}`);
  if (userId !== undefined && Number(row.user_id) !== userId) {
    throw new PasskeyError("unknown-credential", `credential ${response.id} belongs to another user`);
  }
  if (response.response.userHandle && response.response.userHandle !== row.webauthn_user_id) {
    throw new PasskeyError("not-verified", "the user handle does not match the credential's user");
  }
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: {
      id: String(row.id),
      publicKey: new Uint8Array(row.public_key as Uint8Array),
      counter: Number(row.counter),
      transports: JSON.parse(String(row.transports)) as string[],
    },
  }).catch((cause: unknown) => {
    throw new PasskeyError("not-verified", cause instanceof Error ? cause.message : String(cause));
  });
  if (!verification.verified) throw new PasskeyError("not-verified");
  await store
    .prepare("UPDATE credentials SET counter = ?, last_used_at = ? WHERE id = ?")
    .run(verification.authenticationInfo.newCounter, store.now(), String(row.id));
  return { userId: Number(row.user_id) };
}

/** Options for navigator.credentials.get() limited to a user's own passkeys, for a given challenge purpose. */
export async function userAuthenticationOptions(
  store: AccountsStore,
  { rp, userId }: { rp: RelyingParty; userId: number },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rows = await store
    .prepare("SELECT id, transports FROM credentials WHERE user_id = ? ORDER BY created_at")
    .all(userId);
  const credentials = rows.map((row) => ({
    id: String(row.id),
    transports: JSON.parse(String(row.transports)) as never[],
  }));
  return generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
    timeout: CHALLENGE_VALIDITY_MS,
    allowCredentials: credentials,
  });
}

/**
 * Takes (deletes) the stored challenge the browser answered, read from its clientDataJSON: each
 * challenge is answered at most once and only before it expires, and only for its purpose.
 */
async function takeChallenge(
  store: AccountsStore,
  clientDataJSON: string,
  purpose: "register" | "authenticate",
): Promise<Record<string, unknown>> {
  const challenge = challengeOf(clientDataJSON);
  const row = await store.prepare("DELETE FROM challenges WHERE challenge = ? RETURNING *").get(challenge);
  if (!row || row.purpose !== purpose || Number(row.expires_at) <= store.now()) {
    throw new PasskeyError("challenge", "unknown, used, expired or for another purpose");
  }
  return row;
}
