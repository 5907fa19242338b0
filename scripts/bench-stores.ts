/**
 * `npm run bench:stores`: the bridge's store on SQLite (the default) and on PostgreSQL (production,
 * ADR 0010), in the same run, with the same readings: the durable aggregator takes groups of readings
 * as the interval node does (group commit), closes intervals and fills the outbox. PostgreSQL runs as
 * a local server with fsync on (a commit is on disk when it returns), over loopback TCP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTERVAL_SECONDS, neighbourhoodId, type MeterDirectory, type Reading } from "@nachbarstrom/core";
import { startTestPostgres } from "@nachbarstrom/core/database/test-postgres";
import { indexDirectory } from "../meter-bridge/src/directory.ts";
import { createDurableAggregator } from "../meter-bridge/src/durable-aggregator.ts";
import { openStore } from "../meter-bridge/src/store.ts";

const NEIGHBOURHOODS = 10;
const METERS_PER_NEIGHBOURHOOD = 100;
const INTERVALS = 4;
const READINGS_PER_INTERVAL = 3;
/** Readings per transaction, as the interval node groups them under load. */
const GROUP = 250;

const directory: MeterDirectory = {
  neighbourhoods: Array.from({ length: NEIGHBOURHOODS }, (_, h) => ({
    slug: `bench-${h}`,
    id: neighbourhoodId(`bench-${h}`),
    meters: Array.from({ length: METERS_PER_NEIGHBOURHOOD }, (_, m) => ({
      meteringPointId: `DE-BENCH-${h}-${m}`,
      meterId: `0x${(h * 1000 + m + 1).toString(16).padStart(64, "0")}` as const,
      owner: `0x${"1".repeat(40)}` as const,
    })),
  })),
};

/** Every meter's readings, in the order meters send them: step by step, meter by meter. */
function readings(): Reading[] {
  const start = 2_000_000 * INTERVAL_SECONDS;
  const all: Reading[] = [];
  const steps = INTERVALS * READINGS_PER_INTERVAL + 1;
  for (let step = 0; step < steps; step++) {
    const unixSeconds = start + (step * INTERVAL_SECONDS) / READINGS_PER_INTERVAL;
    for (const hood of directory.neighbourhoods) {
      for (const [m, meter] of hood.meters.entries()) {
        all.push({
          neighbourhood: hood.slug,
          meteringPointId: meter.meteringPointId,
          importWh: BigInt(1_000_000 + step * (10 + m)),
          exportWh: BigInt(500_000 + step * (m % 3) * 20),
          unixSeconds,
        });
      }
    }
  }
  return all;
}

async function run(location: string) {
  const store = await openStore({ location });
  const aggregator = await createDurableAggregator({
    store,
    directory: indexDirectory(directory),
    graceSeconds: 86_400,
    now: () => 2_000_000 * INTERVAL_SECONDS * 1000 + 10 * INTERVAL_SECONDS * 1000,
  });
  const list = readings();
  const started = performance.now();
  let batches = 0;
  for (let i = 0; i < list.length; i += GROUP) {
    for (const result of await aggregator.addAll(list.slice(i, i + GROUP))) batches += result.batches.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { readings: list.length, batches, seconds, perSecond: list.length / seconds };
}

const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bench-stores-"));
const server = await startTestPostgres({ durable: true });
try {
  const sqlite = await run(join(dir, "bridge.db"));
  const postgres = await run(server.url);
  const rows = [
    ["SQLite file, WAL, synchronous=FULL (default)", sqlite],
    ["PostgreSQL 15 on loopback, fsync on", postgres],
  ] as const;
  console.log(
    `\nBridge store: ${NEIGHBOURHOODS * METERS_PER_NEIGHBOURHOOD} meters, ${INTERVALS} intervals, groups of ${GROUP} readings\n`,
  );
  console.log("| store | readings | intervals closed | seconds | readings/s |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, r] of rows) {
    console.log(`| ${name} | ${r.readings} | ${r.batches} | ${r.seconds.toFixed(2)} | ${Math.round(r.perSecond)} |`);
  }
  if (sqlite.batches !== postgres.batches) throw new Error("The two stores closed different numbers of intervals");
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
