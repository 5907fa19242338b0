/** Energy in watt-hours. Always an integer: never floating point for energy. */
export type WattHours = bigint;
/** Money in credit base units: 1 unit = 10^-6 euro (the credit has 6 decimals). */
export type MicroEuro = bigint;
/** A price in micro-euro per kWh (tariff components are net). 25 ct/kWh = 250_000n. */
export type MicroEuroPerKwh = bigint;

/** Length of one settlement interval in seconds (15 minutes). */
export const INTERVAL_SECONDS = 900;

/**
 * Number of the 15-minute interval containing the moment `unixSeconds` (a block, the wall clock):
 * floor(t / 900). A meter reading is placed with readingIntervalOf instead.
 */
export function intervalOf(unixSeconds: number): bigint {
  return BigInt(Math.floor(unixSeconds / INTERVAL_SECONDS));
}

/**
 * Number of the interval a register reading taken at `unixSeconds` belongs to: the one it ends or lies
 * within, `(k·900, (k+1)·900]`, so ceil(t / 900) − 1. A register read exactly at a bound is the end
 * register of the interval before it: a smart meter gateway stamps each 15-minute value at the end of
 * its period (the value at 11:15:00 closes 11:00–11:15). Exact for fractions of a second too.
 */
export function readingIntervalOf(unixSeconds: number): bigint {
  return BigInt(Math.ceil(unixSeconds / INTERVAL_SECONDS) - 1);
}

/** Start of `interval` as a Date. */
export function intervalStart(interval: bigint): Date {
  return new Date(Number(interval) * INTERVAL_SECONDS * 1000);
}

/** Euro amount with 6 decimals from a decimal string, e.g. "50" or "12.5" → 50_000_000n. */
export function euros(amount: string): MicroEuro {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(amount);
  if (!match) throw new RangeError(`not a euro amount with at most 6 decimals: ${JSON.stringify(amount)}`);
  return BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? "").padEnd(6, "0"));
}
