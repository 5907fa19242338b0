import { error, json, type RequestEvent } from "@sveltejs/kit";
import { readChain } from "../chain.ts";
import { safeNext } from "./guard.ts";
import { isSameOriginJson, setSessionCookie } from "./portal.ts";
import { attemptLimits, type RateLimitVerdict } from "./rate-limit.ts";
import { cachedAccountRoles } from "./roles.ts";
import { createSession } from "./sessions.ts";
import type { AccountsStore } from "./store.ts";

/** The JSON body of a request from the portal's own pages, as a plain object; 403 or 400 otherwise. */
export async function readJsonBody(event: RequestEvent): Promise<Record<string, unknown>> {
  if (!isSameOriginJson(event.request, event.url)) error(403, "forbidden", { code: "forbidden" });
  const body: unknown = await event.request.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    error(400, "not a JSON object", { code: "unexpected", details: "the body is not a JSON object" });
  }
  return body as Record<string, unknown>;
}

/** A WebAuthn response object from the body: an object with a string id and a `response` object. */
export function credentialResponse<T>(body: Record<string, unknown>): T | undefined {
  const value = body.response as { id?: unknown; response?: unknown } | undefined;
  if (typeof value !== "object" || value === null || typeof value.id !== "string") return undefined;
  if (typeof value.response !== "object" || value.response === null) return undefined;
  const clientDataJSON = (value.response as { clientDataJSON?: unknown }).clientDataJSON;
  return typeof clientDataJSON === "string" ? (value as T) : undefined;
}

/** A problem the page shows next to the field or in its status line, with the HTTP status. */
export function problem(status: number, messageKey: string, field?: "code"): Response {
  return json({ problem: messageKey, field }, { status });
}

/** 429 with Retry-After (seconds) and the message the page shows; it never says whether a code exists. */
function tooManyAttempts(retryAfterSeconds: number, messageKey: string, field?: "code"): Response {
  return json({ problem: messageKey, field }, { status: 429, headers: { "retry-after": String(retryAfterSeconds) } });
}

const refusal = (verdict: RateLimitVerdict, messageKey: string, field?: "code") =>
  verdict.allowed ? undefined : tooManyAttempts(verdict.retryAfterSeconds, messageKey, field);

/** Counts one request of a sign-in ceremony (rate-limit.ts); the 429 to answer when there were too many. */
export function signInRateLimited(event: RequestEvent): Response | undefined {
  return refusal(attemptLimits.signIn(event), "signin.error.rate-limited");
}

/**
 * Counts one check of an invitation code, before it is looked up (rate-limit.ts); the 429 to answer,
 * with the message next to the code field, when this client or this code was tried too often.
 */
export function invitationCodeRateLimited(event: RequestEvent, code: string): Response | undefined {
  return refusal(attemptLimits.invitationCode(event, code), "invitation.error.rate-limited", "code");
}

/**
 * Starts a session for the user, sets its cookie, and answers where to go: `next` when it is a path of
 * this site, else the console for operators and auditors, else the household's own page.
 */
export async function startSession(
  event: RequestEvent,
  store: AccountsStore,
  { userId, next }: { userId: number; next: unknown },
): Promise<Response> {
  const session = await createSession(store, userId);
  setSessionCookie(event.cookies, event.url, session.id);
  const explicit = safeNext(typeof next === "string" ? next : undefined);
  if (explicit) return json({ location: explicit });
  const account = String((await store.prepare("SELECT account FROM users WHERE id = ?").get(userId))!.account);
  const roles = await readChain((chain) => cachedAccountRoles(chain, account as `0x${string}`)).catch(() => undefined);
  return json({
    location: roles?.operator || roles?.auditor || roles?.treasurer ? "/operator" : `/household/${account}`,
  });
}
