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
