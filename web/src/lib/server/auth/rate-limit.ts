import type { RequestEvent } from "@sveltejs/kit";
import { hashToken, normaliseInvitationCode } from "./tokens.ts";

/** The answer to one attempt: go ahead, or wait this many whole seconds (the Retry-After header). */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimiterParameters = {
  /** Attempts a key may make within any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Keys remembered at most; beyond that the one attempted longest ago is forgotten. */
  maxKeys: number;
  now?: () => number;
};

export type RateLimiter = {
  /** Counts an attempt of `key` if it is allowed; a refused attempt is not counted. */
  hit(key: string): RateLimitVerdict;
  /** How many keys are remembered (for tests of the bound). */
  size(): number;
};

/**
 * A sliding-window limiter in process memory: each key keeps the times of its attempts within the
 * last window, so a burst at the end of one window and the start of the next cannot double the limit
 * (as fixed windows allow). The map is kept in order of last counted attempt: keys whose attempts
 * have all left the window are dropped from its front on every hit, and past `maxKeys` the oldest is dropped
 * even so, which bounds memory whatever a client sends. One portal process, one memory: several
 * portal processes each count on their own.
 */
export function createRateLimiter({ limit, windowMs, maxKeys, now = Date.now }: RateLimiterParameters): RateLimiter {
  const attempts = new Map<string, number[]>();

  function forgetExpired(since: number): void {
    for (const [key, times] of attempts) {
      if (times[times.length - 1]! > since) return;
      attempts.delete(key);
    }
  }

  return {
    hit(key) {
      const at = now();
      const since = at - windowMs;
      forgetExpired(since);
      const times = (attempts.get(key) ?? []).filter((time) => time > since);
      if (times.length >= limit) {
        // A refused attempt keeps the key's place: the map stays ordered by last counted attempt.
        attempts.set(key, times);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - at) / 1000)) };
      }
      attempts.delete(key);
      attempts.set(key, [...times, at]);
      if (attempts.size > maxKeys) attempts.delete(attempts.keys().next().value!);
      return { allowed: true };
    },
    size: () => attempts.size,
  };
}

const MINUTE_MS = 60_000;

/**
 * The portal's limits on guessing. Sign-in (passkey options and verify, wallet nonce and verify, and
 * the passkey step of an invitation): 30 requests per client in 10 minutes, about 15 sign-ins.
 * Invitation codes: 10 checked codes per client in 15 minutes, and 10 checks of one code in 15
 * minutes from anywhere (the messages name these waits). A code is counted before it is looked up,
 * so a refusal says nothing about whether it exists; a malformed code is not counted, since its
 * answer comes from its shape alone.
 */
export const ATTEMPT_LIMITS = {
  signIn: { limit: 30, windowMs: 10 * MINUTE_MS },
  codesPerClient: { limit: 10, windowMs: 15 * MINUTE_MS },
  checksPerCode: { limit: 10, windowMs: 15 * MINUTE_MS },
} as const;

const MAX_KEYS = 10_000;

/**
 * The client's address as the portal sees it. adapter-node takes it from the socket, so behind a
 * reverse proxy every request would come from the proxy and all households would share one limit:
 * there set ADDRESS_HEADER (e.g. X-Forwarded-For, with XFF_DEPTH) as adapter-node documents, and
 * make sure the proxy overwrites that header rather than passing on what a client sent.
 */
function clientOf(event: Pick<RequestEvent, "getClientAddress">): string {
  try {
    return event.getClientAddress();
  } catch {
    return "unknown";
  }
}

export type AttemptLimits = {
  /** One request of a sign-in ceremony from this client. */
  signIn(event: Pick<RequestEvent, "getClientAddress">): RateLimitVerdict;
  /** One check of an invitation code as typed, from this client. */
  invitationCode(event: Pick<RequestEvent, "getClientAddress">, input: string): RateLimitVerdict;
};

/** The limits above with their own memory; the portal keeps one set (`attemptLimits`), tests make theirs. */
export function createAttemptLimits(now: () => number = Date.now): AttemptLimits {
  const signIn = createRateLimiter({ ...ATTEMPT_LIMITS.signIn, maxKeys: MAX_KEYS, now });
  const codesPerClient = createRateLimiter({ ...ATTEMPT_LIMITS.codesPerClient, maxKeys: MAX_KEYS, now });
  const checksPerCode = createRateLimiter({ ...ATTEMPT_LIMITS.checksPerCode, maxKeys: MAX_KEYS, now });
  return {
    signIn: (event) => signIn.hit(clientOf(event)),
    invitationCode(event, input) {
      const code = normaliseInvitationCode(input);
      if (!code) return { allowed: true };
      const byClient = codesPerClient.hit(clientOf(event));
      // Only the code's hash is kept in memory, as in the database.
      return byClient.allowed ? checksPerCode.hit(hashToken(code)) : byClient;
    },
  };
}

/** The portal process's limits. */
export const attemptLimits: AttemptLimits = createAttemptLimits();
