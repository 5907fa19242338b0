/** Register values for the encoders' round-trip tests: edges and seeded random ones. */
import assert from "node:assert/strict";
import type { DecodeResult } from "../../../meter-bridge/src/formats/decoder.ts";
import type { MeterRegisters } from "./registers.ts";

/** The largest register the bridge accepts (10^12 Wh). */
export const MAX_WH = 10n ** 12n;

/** 2026-06-21T08:15:00Z (summer time in Germany) and 2026-01-15T06:00:00Z (winter time). */
export const SUMMER = Date.UTC(2026, 5, 21, 8, 15) / 1000;
export const WINTER = Date.UTC(2026, 0, 15, 6, 0) / 1000;

/** Edge values (0, 1, the Wh below a kWh, the largest register), then `count` seeded random ones. */
export function registerSamples(count = 300, seed = 1): MeterRegisters[] {
  const edges: [bigint, bigint][] = [
    [0n, 0n],
    [1n, 0n],
    [0n, 999n],
    [1000n, 1001n],
    [999_999_999n, 1_000_000_000n],
    [MAX_WH, MAX_WH],
    [MAX_WH - 1n, 7n],
  ];
  const samples = edges.flatMap(([importWh, exportWh]) =>
    [SUMMER, WINTER].map((unixSeconds) => ({ importWh, exportWh, unixSeconds })),
  );
  let state = seed >>> 0;
  const next = () => {
    // mulberry32: small, seeded, enough to spread values over every digit count
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const register = () => BigInt(Math.floor(next() * 10 ** Math.floor(next() * 13))) % (MAX_WH + 1n);
  for (let i = 0; i < count; i++) {
    // Any second from 2001 to 2099, so both clock seasons and the October hour come up.
    const unixSeconds = Math.floor(Date.UTC(2001, 0, 1) / 1000 + next() * 98 * 365.25 * 86_400);
    samples.push({ importWh: register(), exportWh: register(), unixSeconds });
  }
  return samples;
}

/** Asserts that a decoder read exactly one reading with these registers, for this metering point. */
export function assertDecoded(
  result: DecodeResult,
  expected: MeterRegisters & { meteringPointId: string },
  timedBy: "message" | "arrival",
): void {
  assert.ok(result.ok, result.ok ? "" : `${result.reason} (for ${JSON.stringify(expected, bigintText)})`);
  assert.equal(result.readings.length, 1);
  const [reading] = result.readings;
  assert.equal(reading.meteringPointId, expected.meteringPointId);
  assert.equal(reading.importWh, expected.importWh);
  assert.equal(reading.exportWh, expected.exportWh);
  if (timedBy === "message") assert.equal(Date.parse(reading.timestamp) / 1000, expected.unixSeconds);
}

/** The arrival time a test gives the decoder: the reading's own time, as in a live feed at real time. */
export const arrival = (registers: MeterRegisters): Date => new Date(registers.unixSeconds * 1000);

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
