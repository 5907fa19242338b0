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
export function createSession(store: AccountsStore, userId: number): { id: string; expiresAt: number } {
  const id = randomToken();
  const now = store.now();
  const expiresAt = now + SESSION_LIFETIME_MS;
  store.db
    .prepare("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
    .run(hashToken(id), userId, now, expiresAt);
  return { id, expiresAt };
}

/** The user of a live session, or undefined for an unknown or expired one (which is deleted). */
export function sessionUser(store: AccountsStore, id: string | undefined): SessionUser | undefined {
  if (!id) return undefined;
  const row = store.db
    .prepare(
      `SELECT s.expires_at, u.id, u.account, a.custody FROM sessions s
       JOIN users u ON u.id = s.user_id JOIN accounts a ON a.address = u.account
       WHERE s.id_hash = ?`,
    )
    .get(hashToken(id));
  if (!row) return undefined;
  if (Number(row.expires_at) <= store.now()) {
    deleteSession(store, id);
    return undefined;
  }
  return { id: Number(row.id), account: row.account as Address, custody: row.custody as SessionUser["custody"] };
}

/** Ends a session (sign-out). */
export function deleteSession(store: AccountsStore, id: string): void {
  store.db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashToken(id));
}

/** Removes expired sessions and unanswered challenges; cheap enough to run at every sign-in. */
export function pruneExpired(store: AccountsStore): void {
  const now = store.now();
  store.db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now);
  store.db.prepare("DELETE FROM challenges WHERE expires_at <= ?").run(now);
}
