/** Shared test data: a small meter directory and reading builders. Used by *.test.ts only. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTERVAL_SECONDS, neighbourhoodId, type MeterDirectory, type Reading } from "@nachbarstrom/core";
import type { Hex } from "viem";
import { createAggregator, type IntervalBatch } from "./aggregate.ts";
import { indexDirectory } from "./directory.ts";

export const HOOD = "testviertel";
export const OTHER_HOOD = "nebenan";
/** Metering points; their meter ids are deliberately not in ascending order. */
export const MP = { a: "DE-TEST-A", b: "DE-TEST-B", c: "DE-TEST-C" } as const;
export const METER_ID: Record<string, Hex> = {
  [MP.a]: `0x${"c".repeat(64)}`,
  [MP.b]: `0x${"a".repeat(64)}`,
  [MP.c]: `0x${"b".repeat(64)}`,
};
const OWNER: Hex = `0x${"1".repeat(40)}`;

export const DIRECTORY: MeterDirectory = {
  neighbourhoods: [
    {
      slug: HOOD,
      id: neighbourhoodId(HOOD),
      meters: [MP.a, MP.b].map((mp) => ({ meteringPointId: mp, meterId: METER_ID[mp], owner: OWNER })),
    },
    {
      slug: OTHER_HOOD,
      id: neighbourhoodId(OTHER_HOOD),
      meters: [{ meteringPointId: MP.c, meterId: METER_ID[MP.c], owner: OWNER }],
    },
  ],
};

/** Start of interval 2_000_000 (2027-01-15T…): far from 0 so interval numbers look real. */
export const K = 2_000_000n;
export const T0 = Number(K) * INTERVAL_SECONDS;

export function reading(
  meteringPointId: string,
  unixSeconds: number,
  importWh: number,
  exportWh = 0,
  neighbourhood = meteringPointId === MP.c ? OTHER_HOOD : HOOD,
): Reading {
  return { neighbourhood, meteringPointId, importWh: BigInt(importWh), exportWh: BigInt(exportWh), unixSeconds };
}

/** A fake wall clock in ms. */
export function fakeClock(startMs = 1_000_000): { now: () => number; advance: (seconds: number) => void } {
  let ms = startMs;
  return { now: () => ms, advance: (seconds) => (ms += seconds * 1000) };
}

/** Writes the directory to a temporary meters.json and returns its path. */
export function writeDirectoryFile(directory: MeterDirectory = DIRECTORY): string {
  const file = join(mkdtempSync(join(tmpdir(), "nachbarstrom-bridge-")), "meters.json");
  writeFileSync(file, JSON.stringify(directory, null, 2));
  return file;
}

/**
 * Writes a deployment file into `dir` whose RPC URL points at a closed port (the chain is unreachable)
 * and returns its path.
 */
export function writeUnreachableDeploymentFile(dir: string): string {
  const file = join(dir, "deployment.json");
  const address = (byte: string) => `0x${byte.repeat(20)}`;
  writeFileSync(
    file,
    JSON.stringify({
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:9",
      deployedAtBlock: 0,
      contracts: {
        meterRegistry: address("01"),
        creditToken: address("02"),
        tariffSchedule: address("04"),
        powerContracts: address("05"),
        neighbourhoodSettlement: address("03"),
        settlementCorrections: address("06"),
        costCap: address("07"),
      },
    }),
  );
  return file;
}

/** An aggregator over DIRECTORY with a fake clock; `add` collects the batches it closes. */
export function setupAggregator(graceSeconds?: number) {
  const clock = fakeClock();
  const aggregator = createAggregator({ directory: indexDirectory(DIRECTORY), graceSeconds, now: clock.now });
  const batches: IntervalBatch[] = [];
  const add = (r: Reading) => {
    const result = aggregator.add(r);
    batches.push(...result.batches);
    return result;
  };
  return { aggregator, clock, batches, add };
}

/** A fresh temporary folder for a test's database and other files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "nachbarstrom-bridge-"));
}

/**
 * Four intervals of readings from K on: every meter reads every 300 s (a at +10 s, b at +20 s, c at
 * +30 s), and a last round at the start of K+4 closes K+3. Registers rise by a different amount each step.
 */
export function fourIntervalsOfReadings(): Reading[] {
  const readings: Reading[] = [];
  const registers = new Map<string, [number, number]>([
    [MP.a, [1_000_000, 50_000]],
    [MP.b, [2_000_000, 0]],
    [MP.c, [300_000, 7_000]],
  ]);
  for (let step = 0; step <= 12; step++) {
    for (const [index, mp] of [MP.a, MP.b, MP.c].entries()) {
      const [importWh, exportWh] = registers.get(mp) ?? [0, 0];
      readings.push(reading(mp, T0 + step * 300 + 10 * (index + 1), importWh, exportWh));
      registers.set(mp, [importWh + 37 * step + 11 * index, exportWh + (step % 3) * 5 * index]);
    }
  }
  return readings;
}
