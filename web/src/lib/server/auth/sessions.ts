import type { Address } from "viem";
import type { AccountsStore } from "./store.ts";
import { hashToken, randomToken } from "./tokens.ts";

/** The session cookie: an opaque random id; the server keeps only its hash. */
export const SESSION_COOKIE = "nachbarstrom_session";
/** A session ends 12 hours after sign-in, whatever happens in between. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** The signed-in user as the server knows it; roles come from the chain (roles.ts). */
export type SessionUser = { id: number; account: Address; custody: "server" | "external" };

/** Starts a session for a user; returns the id for the cookie (shown nowhere else) and its end. */
export async function createSession(store: AccountsStore, userId: number): Promise<{ id: string; expiresAt: number }> {
  const id = randomToken();
  const now = store.now();
  const expiresAt = now + SESSION_LIFETIME_MS;
  await store
    .prepare("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
    .run(hashToken(id), userId, now, expiresAt);
  return { id, expiresAt };
}

/** The user of a live session, or undefined for an unknown or expired one (which is deleted). */
export async function sessionUser(store: AccountsStore, id: string | undefined): Promise<SessionUser | undefined> {
  if (!id) return undefined;
  const row = await store
    .prepare(
      `SELECT s.expires_at, u.id, u.account, a.custody FROM sessions s
       JOIN users u ON u.id = s.user_id JOIN accounts a ON a.address = u.account
       WHERE s.id_hash = ?`,
    )
    .get(hashToken(id));
  if (!row) return undefined;
  if (Number(row.expires_at) <= store.now()) {
    await deleteSession(store, id);
    return undefined;
  }
  return { id: Number(row.id), account: row.account as Address, custody: row.custody as SessionUser["custody"] };
}

/** Ends a session (sign-out). */
export async function deleteSession(store: AccountsStore, id: string): Promise<void> {
  await store.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashToken(id));
}

/** Removes expired sessions and unanswered challenges; cheap enough to run at every sign-in. */
export async function pruneExpired(store: AccountsStore): Promise<void> {
  const now = store.now();
  await store.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now);
  await store.prepare("DELETE FROM challenges WHERE expires_at <= ?").run(now);
}
