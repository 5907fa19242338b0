/**
 * Seeded pseudo-random numbers for the simulation. Not for anything secret: the point is that the
 * same seed gives the same neighbourhood, on every machine and every run.
 */

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state, one add and a few multiply-xorshift
 * rounds per draw, period 2^32. Returns a generator of numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One draw in [0, 1) addressed by integer keys, e.g. `(seed, household, day)`: the keys are mixed
 * into a 32-bit seed (murmur3's finaliser per key) and mulberry32 draws once from it. Being
 * addressable rather than sequential, a value never depends on how many values were drawn before
 * it, so the power at an instant is a pure function of the instant.
 */
export function drawUnit(...keys: readonly number[]): number {
  let hash = DRAW_HASH_START;
  for (const key of keys) hash = mixKey(hash, key);
  return drawFromHash(hash);
}

/** Where drawUnit's key hash starts; with mixKey and drawFromHash, drawUnit(a, b) = drawFromHash(mixKey(mixKey(DRAW_HASH_START, a), b)). */
export const DRAW_HASH_START = 0x9e3779b9;

/**
 * Mixes one key into a key hash. Lets a hot loop hash the keys it shares once (seed, stream,
 * household) and add only the last one (the slot) per draw, without drawUnit's argument array.
 */
export function mixKey(hash: number, key: number): number {
  if (!Number.isSafeInteger(key)) throw new RangeError(`drawUnit keys must be safe integers, got ${key}`);
  // Both 32-bit halves, so keys beyond 2^32 (unix seconds in ms, say) still mix in fully.
  const low = mix(hash ^ (key >>> 0));
  return mix(low ^ Math.floor(key / 4_294_967_296));
}

/** The first number mulberry32(hash) would give, without creating the generator. */
export function drawFromHash(hash: number): number {
  let t = (hash + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
