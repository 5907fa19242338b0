import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ATTEMPT_LIMITS, createAttemptLimits, createRateLimiter } from "./rate-limit.ts";
import { newInvitationCode } from "./tokens.ts";

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let at = start;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

const fromAddress = (address: string) => ({ getClientAddress: () => address });

describe("sliding-window rate limiter", () => {
  it("allows `limit` attempts in a window and refuses the next, with the seconds until one frees up", () => {
    const time = clock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, maxKeys: 100, now: time.now });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(limiter.hit("a"), { allowed: true }, `attempt ${i + 1}`);
      time.advance(10_000);
    }
    // The first attempt was 30 s ago: it leaves the window in 30 s.
    assert.deepEqual(limiter.hit("a"), { allowed: false, retryAfterSeconds: 30 });
    assert.deepEqual(limiter.hit("b"), { allowed: true }, "another key has its own count");
  });

  it("slides: an attempt leaves the window exactly windowMs after it was made", () => {
    const time = clock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, maxKeys: 100, now: time.now });
    limiter.hit("a");
    time.advance(59_000);
    limiter.hit("a");
    assert.equal(limiter.hit("a").allowed, false);
    time.advance(999);
    assert.deepEqual(limiter.hit("a"), { allowed: false, retryAfterSeconds: 1 }, "rounds a part second up");
    time.advance(1);
    assert.equal(limiter.hit("a").allowed, true, "the first attempt has left the window");
    assert.equal(limiter.hit("a").allowed, false, "the second is still in it");
  });

  it("does not count refused attempts, so waiting the Retry-After is enough", () => {
    const time = clock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 10_000, maxKeys: 100, now: time.now });
    limiter.hit("a");
    for (let i = 0; i < 20; i++) {
      time.advance(400);
      assert.equal(limiter.hit("a").allowed, false);
    }
    time.advance(2_000);
    assert.equal(limiter.hit("a").allowed, true);
  });

  it("keeps at most maxKeys keys, forgetting the one attempted longest ago", () => {
    const time = clock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 3, now: time.now });
    for (const key of ["a", "b", "c", "d"]) limiter.hit(key);
    assert.equal(limiter.size(), 3);
    assert.equal(limiter.hit("a").allowed, true, "a was forgotten");
    assert.equal(limiter.hit("c").allowed, false, "c is still remembered");
  });

  it("drops keys whose attempts have all left the window", () => {
    const time = clock();
    const limiter = createRateLimiter({ limit: 5, windowMs: 60_000, maxKeys: 1_000, now: time.now });
    for (let i = 0; i < 100; i++) limiter.hit(`client ${i}`);
    time.advance(30_000);
    limiter.hit("late");
    assert.equal(limiter.size(), 101);
    time.advance(30_000);
    limiter.hit("later");
    assert.equal(limiter.size(), 2, "only late and later remain");
  });
});

describe("the portal's attempt limits", () => {
  it("refuses a client's invitation code checks past the limit, whichever codes it tries", () => {
    const time = clock();
    const limits = createAttemptLimits(time.now);
    const { limit, windowMs } = ATTEMPT_LIMITS.codesPerClient;
    for (let i = 0; i < limit; i++)
      assert.equal(limits.invitationCode(fromAddress("198.51.100.7"), newInvitationCode()).allowed, true);
    const refused = limits.invitationCode(fromAddress("198.51.100.7"), newInvitationCode());
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: windowMs / 1000 });
    assert.equal(
      limits.invitationCode(fromAddress("203.0.113.9"), newInvitationCode()).allowed,
      true,
      "another client",
    );
  });

  it("limits the checks of one code from any number of clients, and reads it as typed", () => {
    const limits = createAttemptLimits(clock().now);
    const code = newInvitationCode();
    const { limit } = ATTEMPT_LIMITS.checksPerCode;
    for (let i = 0; i < limit; i++) {
      const typed = i % 2 ? code.toLowerCase() : code.replaceAll("-", " ");
      assert.equal(limits.invitationCode(fromAddress(`192.0.2.${i}`), typed).allowed, true, `check ${i + 1}`);
    }
    assert.equal(limits.invitationCode(fromAddress("192.0.2.200"), code).allowed, false);
    assert.equal(limits.invitationCode(fromAddress("192.0.2.200"), newInvitationCode()).allowed, true, "other codes");
  });

  it("does not count a malformed code, whose answer tells nothing about any code", () => {
    const limits = createAttemptLimits(clock().now);
    for (let i = 0; i < 50; i++)
      assert.equal(limits.invitationCode(fromAddress("198.51.100.7"), "nonsense").allowed, true);
    assert.equal(limits.invitationCode(fromAddress("198.51.100.7"), newInvitationCode()).allowed, true);
  });

  it("limits sign-in requests per client, also when the client's address cannot be read", () => {
    const limits = createAttemptLimits(clock().now);
    const noAddress = {
      getClientAddress: () => {
        throw new Error("no address");
      },
    };
    for (let i = 0; i < ATTEMPT_LIMITS.signIn.limit; i++) assert.equal(limits.signIn(noAddress).allowed, true);
    assert.equal(limits.signIn(noAddress).allowed, false);
    assert.equal(limits.signIn(fromAddress("198.51.100.7")).allowed, true);
  });
});
