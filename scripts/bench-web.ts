/**
 * `npm run bench:web`: the portal's read model at a utility's size. Indexes a year of 1,000 meters
 * (20 neighbourhoods of 50, 35,040 intervals: 35 million meter-interval rows) into a read model file
 * and measures
 * - the indexer's catch-up rate: the last `sliceDays` of ABI-encoded logs (bench-web-stream.ts) through
 *   the real indexer (indexer.ts: range by range, decode.ts, write.ts, one transaction per range), in
 *   events and meter-intervals per second of the indexer's own time (the fake chain's time making the
 *   logs is taken out). The months before go through the same indexer without their ChunkSettled
 *   logs, whose rows the bulk path (bench-web-bulk.ts) writes in key order; a small layout checks that
 *   both paths leave identical rows;
 * - the server time of the household page's and the operator page's data (p50/p95 over `LOADS` loads
 *   each, random households): the functions their load functions call (readHousehold;
 *   readCreditTotals + readSettledIntervals), in this process, against the read model. The chain calls
 *   they make (positionOf, treasuryPosition, issued) are answered by a stub, and no page is rendered:
 *   it is the read model's share of a page load.
 * Baselines in the same run: the same loads on a read model of 12 meters × 1 day, indexed whole by the
 * real indexer; and the household loads with householdRows' query as it was before bench:web (which
 * read each meter's whole history), for the same households. Writes bench-results/web.json. Usage: node scripts/bench-web.ts [meters] [days]
 * [sliceDays] [--keep] (--keep leaves the read model file in the temporary folder and prints its path).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Address, PublicClient } from "viem";
import type { PortalContext } from "../web/src/lib/server/chain.ts";
import { sql } from "@nachbarstrom/core/database";
import { HOUSEHOLD_INTERVAL_LIMIT } from "../web/src/lib/server/household-rows.ts";
import { readHousehold } from "../web/src/lib/server/household.ts";
import { readCreditTotals, readSettledIntervals } from "../web/src/lib/server/operator.ts";
import { createIndexer } from "../web/src/lib/server/read-model/indexer.ts";
import { householdIntervalRow, metersOf } from "../web/src/lib/server/read-model/queries.ts";
import { allRows, openReadModelStore, type ReadModelStore } from "../web/src/lib/server/read-model/store.ts";
import { bulkMeterIntervals } from "./bench-web-bulk.ts";
import { benchChain, benchDeployment, benchMeters, lastBlock, type StreamLayout } from "./bench-web-stream.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const KEEP = process.argv.includes("--keep");
const METERS = Number(args[0] ?? 1_000);
const DAYS = Number(args[1] ?? 365);
const SLICE_DAYS = Math.min(DAYS, Number(args[2] ?? 14));
const PER_NEIGHBOURHOOD = 50;
const LOADS = 200;
const INTERVALS_PER_DAY = 96;
/** 2025-01-01 00:00 UTC. */
const FIRST_INTERVAL = 1_928_544n;

/**
 * householdRows' query before bench:web (for the comparison): it found the newest intervals by reading
 * every row of each of the owner's meters, a year is 35,040 rows per meter.
 */
const householdRowsBefore = (owner: Address, limit: number) =>
  sql`WITH mine AS (SELECT meter, neighbourhood, owner, number FROM meters WHERE owner = ${owner}),
    shown AS (SELECT DISTINCT mi.interval FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
              ORDER BY mi.interval DESC LIMIT ${limit})
  SELECT mine.meter, mine.owner, mi.* FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
  WHERE mi.interval IN (SELECT interval FROM shown)
  ORDER BY mi.interval DESC, mi.number, mi.block_number, mi.log_index`;

type Loads = { p50: number; p95: number; max: number; rowsShown: number };
type Built = {
  store: ReadModelStore;
  layout: StreamLayout;
  owners: Address[];
  /** The slice through the real indexer. */
  indexer: { events: number; meterIntervals: number; seconds: number; sourceSeconds: number };
  /** The months before: their other events through the indexer, their meter-intervals in bulk. */
  bulk: { meterIntervals: number; seconds: number; otherEvents: number };
};

const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bench-web-"));
try {
  const started = Date.now();
  await sameRowsBothPaths();
  const small = await build(
    join(dir, "baseline.db"),
    { neighbourhoods: 1, metersPerNeighbourhood: 12, intervals: 96 },
    1,
  );
  const smallLoads = await measure(small);
  await small.store.close();
  const layout = {
    neighbourhoods: Math.ceil(METERS / PER_NEIGHBOURHOOD),
    metersPerNeighbourhood: Math.min(METERS, PER_NEIGHBOURHOOD),
    intervals: DAYS * INTERVALS_PER_DAY,
  };
  const big = await build(join(dir, "read-model.db"), layout, SLICE_DAYS);
  const bigLoads = await measure(big);
  const bytes = fileBytes(big.store.location);
  await big.store.close();
  report({ small, smallLoads, big, bigLoads, bytes, seconds: (Date.now() - started) / 1000 });
} finally {
  if (KEEP) console.log(`\nkept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * A read model of `layout`: the last `sliceDays` through the real indexer (timed), the days before
 * through the indexer without ChunkSettled plus the bulk path.
 */
async function build(file: string, shape: Omit<StreamLayout, "firstInterval">, sliceDays: number): Promise<Built> {
  const layout: StreamLayout = { ...shape, firstInterval: FIRST_INTERVAL };
  const sliceIntervals = Math.min(layout.intervals, sliceDays * INTERVALS_PER_DAY);
  const bulkIntervals = layout.intervals - sliceIntervals;
  const meters = layout.neighbourhoods * layout.metersPerNeighbourhood;
  const store = await openReadModelStore({ location: file });
  const chain = benchChain(layout, benchDeployment);
  const indexer = createIndexer({ store, client: chain.client, deployment: benchDeployment });
  const bulk = { meterIntervals: 0, seconds: 0, otherEvents: 0 };
  if (bulkIntervals > 0) {
    const begun = performance.now();
    // The bulk phase's own setting: the file is thrown away if this process dies.
    await sql`PRAGMA synchronous = OFF`.execute(store.db);
    chain.setChunks(false);
    chain.setHead(lastBlock(layout, bulkIntervals));
    bulk.otherEvents = (await indexer.catchUp()).events;
    chain.setChunks(true);
    bulk.meterIntervals = await bulkMeterIntervals(store, layout, 0, bulkIntervals);
    await sql`PRAGMA synchronous = NORMAL`.execute(store.db);
    bulk.seconds = (performance.now() - begun) / 1000;
    log(`  ${file}: ${bulkIntervals} intervals in bulk in ${bulk.seconds.toFixed(0)} s`);
  }
  chain.setHead(lastBlock(layout));
  const sourceBefore = chain.sourceMs();
  const begun = performance.now();
  const result = await indexer.catchUp();
  const wallMs = performance.now() - begun;
  const sourceMs = chain.sourceMs() - sourceBefore;
  const indexed = {
    events: result.events,
    meterIntervals: sliceIntervals * meters,
    seconds: (wallMs - sourceMs) / 1000,
    sourceSeconds: sourceMs / 1000,
  };
  log(`  ${file}: ${sliceIntervals} intervals through the indexer in ${(wallMs / 1000).toFixed(0)} s`);
  return { store, layout, owners: benchMeters(layout).owners, indexer: indexed, bulk };
}

/** LOADS household loads (random households) and LOADS operator loads, timed one by one. */
async function measure({ store, owners }: Built): Promise<{ household: Loads; operator: Loads; before: Loads }> {
  // The chain's current-state calls (positionOf, treasuryPosition, issued) answer at once.
  const client = { readContract: async () => 0n } as unknown as PublicClient;
  const context: PortalContext = { deployment: benchDeployment, client, readModel: store.db };
  const random = mulberry32(6);
  const household = await timed(async () => {
    const view = await readHousehold(context, owners[Math.floor(random() * owners.length)]);
    return view.rows.length;
  });
  const operator = await timed(async () => {
    const [, rows] = await Promise.all([readCreditTotals(context), readSettledIntervals(context)]);
    return rows.length;
  });
  const again = mulberry32(6);
  const before = await timed(async () => {
    const owner = owners[Math.floor(again() * owners.length)];
    await client.readContract({} as never);
    await metersOf(store.db, owner);
    const rows = await allRows(store.db, householdRowsBefore(owner, HOUSEHOLD_INTERVAL_LIMIT));
    return rows.map(householdIntervalRow).length;
  });
  return { household, operator, before };
}

async function timed(load: () => Promise<number>): Promise<Loads> {
  const ms: number[] = [];
  let rowsShown = 0;
  for (let i = 0; i < LOADS; i++) {
    const begun = performance.now();
    rowsShown += await load();
    ms.push(performance.now() - begun);
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  return { p50: at(0.5), p95: at(0.95), max: ms.at(-1)!, rowsShown: rowsShown / LOADS };
}

/** Both paths on a small layout: the bulk path's rows must equal what the indexer writes. */
async function sameRowsBothPaths(): Promise<void> {
  const layout = { neighbourhoods: 3, metersPerNeighbourhood: 7, intervals: 2 * INTERVALS_PER_DAY };
  const indexed = await build(join(dir, "check-indexed.db"), layout, 2);
  const bulked = await build(join(dir, "check-bulk.db"), layout, 0);
  const all = (store: ReadModelStore, table: string) =>
    allRows(
      store.db,
      sql`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.raw(table === "meter_intervals" ? "neighbourhood, number, interval" : "block_number, log_index")}`,
    );
  const differing: string[] = [];
  for (const table of ["meter_intervals", "intervals", "meters", "credit_movements", "corrections"]) {
    if (!isDeepStrictEqual(await all(indexed.store, table), await all(bulked.store, table))) differing.push(table);
  }
  await indexed.store.close();
  await bulked.store.close();
  if (differing.length > 0) throw new Error(`the bulk path's ${differing.join(", ")} differ from the indexer's`);
}

function report({
  small,
  smallLoads,
  big,
  bigLoads,
  bytes,
  seconds,
}: {
  small: Built;
  smallLoads: { household: Loads; operator: Loads; before: Loads };
  big: Built;
  bigLoads: { household: Loads; operator: Loads; before: Loads };
  bytes: number;
  seconds: number;
}): void {
  const n = (x: number) => Math.round(x).toLocaleString("en");
  const ms = (x: number) => x.toFixed(2);
  const meters = (b: Built) => b.layout.neighbourhoods * b.layout.metersPerNeighbourhood;
  const rows = (b: Built) => b.indexer.meterIntervals + b.bulk.meterIntervals;
  const days = (b: Built) => b.layout.intervals / INTERVALS_PER_DAY;
  const target = "target: p95 ≤ 100 ms";
  console.log(
    `\nPortal read model: page data on the server (the read model's queries and row mapping; chain calls stubbed, no rendering), ${LOADS} loads each\n`,
  );
  console.log(
    "| read model | meter-interval rows | household p50 / p95 / max (ms) | operator p50 / p95 / max (ms) | household, query before (ms) |",
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const [what, b, l] of [
    [`${n(meters(small))} meters × ${days(small)} day (baseline)`, small, smallLoads],
    [`${n(meters(big))} meters × ${n(days(big))} days (${n(big.layout.intervals)} intervals)`, big, bigLoads],
  ] as const) {
    const h = l.household;
    const o = l.operator;
    console.log(
      `| ${what} | ${n(rows(b))} | ${ms(h.p50)} / ${ms(h.p95)} / ${ms(h.max)} | ${ms(o.p50)} / ${ms(o.p95)} / ${ms(o.max)} | ${ms(l.before.p50)} / ${ms(l.before.p95)} / ${ms(l.before.max)} |`,
    );
  }
  console.log(
    `\n${target}: household ${bigLoads.household.p95 <= 100 ? "met" : "MISSED"}, operator ${bigLoads.operator.p95 <= 100 ? "met" : "MISSED"}; a household page shows ${bigLoads.household.rowsShown.toFixed(1)} rows on average, the operator page ${bigLoads.operator.rowsShown}.`,
  );
  console.log("\nIndexer catch-up (fake chain of ABI-encoded logs; the chain's time making them taken out)\n");
  console.log("| path | days | events | meter-intervals | seconds | events/s | meter-intervals/s |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const rate = (x: number, s: number) => n(x / s);
  for (const [what, b] of [
    ["real indexer (decode + write), 12 meters (baseline)", small],
    [`real indexer (decode + write), ${n(meters(big))} meters, last days of the year`, big],
  ] as const) {
    const i = b.indexer;
    console.log(
      `| ${what} | ${n(i.meterIntervals / meters(b) / INTERVALS_PER_DAY)} | ${n(i.events)} | ${n(i.meterIntervals)} | ${i.seconds.toFixed(1)} | ${rate(i.events, i.seconds)} | ${rate(i.meterIntervals, i.seconds)} |`,
    );
  }
  if (big.bulk.meterIntervals > 0) {
    const b = big.bulk;
    console.log(
      `| bulk path (not a catch-up rate): days before, meter-intervals in key order, other events through the indexer | ${n(b.meterIntervals / meters(big) / INTERVALS_PER_DAY)} | ${n(b.otherEvents)} | ${n(b.meterIntervals)} | ${b.seconds.toFixed(1)} | – | ${rate(b.meterIntervals, b.seconds)} |`,
    );
  }
  console.log(
    `\nread model file: ${(bytes / 1e9).toFixed(2)} GB for ${n(rows(big))} meter-interval rows; bulk rows checked identical to the indexer's on 21 meters × 2 days; whole run ${n(seconds)} s`,
  );
  const json = {
    householdPageP95Ms: round2(bigLoads.household.p95),
    operatorPageP95Ms: round2(bigLoads.operator.p95),
    indexerEventsPerSecond: Math.round(big.indexer.events / big.indexer.seconds),
    householdPageP50Ms: round2(bigLoads.household.p50),
    operatorPageP50Ms: round2(bigLoads.operator.p50),
    indexerMeterIntervalsPerSecond: Math.round(big.indexer.meterIntervals / big.indexer.seconds),
    householdPageP95MsQueryBefore: round2(bigLoads.before.p95),
    householdPageP50MsQueryBefore: round2(bigLoads.before.p50),
    baselineHouseholdPageP95Ms: round2(smallLoads.household.p95),
    baselineOperatorPageP95Ms: round2(smallLoads.operator.p95),
    baselineIndexerEventsPerSecond: Math.round(small.indexer.events / small.indexer.seconds),
    meters: meters(big),
    neighbourhoods: big.layout.neighbourhoods,
    intervals: big.layout.intervals,
    meterIntervalRows: rows(big),
    indexedThroughIndexerDays: big.indexer.meterIntervals / meters(big) / INTERVALS_PER_DAY,
    bulkDays: big.bulk.meterIntervals / meters(big) / INTERVALS_PER_DAY,
    databaseBytes: bytes,
    loads: LOADS,
  };
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/web.json", JSON.stringify(json, null, 2) + "\n");
  console.log("\nwrote bench-results/web.json");
}

function fileBytes(file: string): number {
  return [file, `${file}-wal`].reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function log(line: string): void {
  console.error(line);
}

/** A small seeded generator, so every run loads the same households. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
