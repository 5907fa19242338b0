import type { Cookies } from "@sveltejs/kit";
import { dev } from "$app/env";
import { custodyKey, portalSecret } from "./custody.ts";
import { relyingParty, type RelyingParty } from "./relying-party.ts";
import { SESSION_COOKIE, SESSION_LIFETIME_MS } from "./sessions.ts";
import { translate } from "../../i18n/messages.ts";
import type { Locale } from "../../i18n/locale.ts";

/** The portal's key for household keys, derived once per process from NACHBARSTROM_PORTAL_SECRET. */
let encryptionKey: Buffer | undefined;
export function portalEncryptionKey(): Buffer {
  encryptionKey ??= custodyKey(portalSecret(process.env, dev));
  return encryptionKey;
}

/** The relying party of this request, named in the user's language. */
export function portalRelyingParty(url: URL, locale: Locale): RelyingParty {
  return relyingParty(url, {
    name: translate(locale, "site.name"),
    userDisplayName: translate(locale, "passkey.userDisplayName"),
  });
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure on https, for the session's lifetime. */
export function setSessionCookie(cookies: Cookies, url: URL, id: string): void {
  cookies.set(SESSION_COOKIE, id, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: url.protocol === "https:",
    maxAge: SESSION_LIFETIME_MS / 1000,
  });
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
  cookies.delete(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure: url.protocol === "https:" });
}

/**
 * JSON endpoints answer only requests from the portal's own pages. A cross-site page cannot send JSON
 * without a CORS preflight anyway; checking Origin and the content type keeps it that way.
 */
export function isSameOriginJson(request: Request, url: URL): boolean {
  const origin = request.headers.get("origin");
  const expected = new URL(process.env.ORIGIN || url.origin).origin;
  return origin === expected && (request.headers.get("content-type") ?? "").startsWith("application/json");
}
