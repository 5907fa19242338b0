/**
 * `npm run bench:bridge`: pushes readings of 10,000 simulated meters (100 neighbourhoods of 100,
 * bench-bridge-district.ts) over MQTT (QoS 1) through the real broker and the real Node-RED runtime
 * with the shipped flow, bound to the simulated devices, into the bridge's durable store, and prints
 * readings per second sustained, p95 latency from publish to stored, and the bridge process's peak RSS —
 * next to a baseline in the same run: the same plain JSON messages through the same broker to a bare
 * subscriber. The bridge runs three times: (a) every meter sending plain JSON, with Node's defaults and
 * with the V8 setting the bridge README recommends; (b) the live feed's mix of formats (plain JSON,
 * Tasmota, DSMR P1, LoRaWAN, EIP-712 signed) with the recommended setting. The readings are generated
 * and encoded before any clock starts. Writes bench-results/bridge.json: the keys of earlier runs from
 * (a) with the recommended setting, so the history stays comparable, and `mixed…` from (b).
 *
 * Usage: node scripts/bench-bridge.ts [meters] [readingsPerMeter]
 * BENCH_BRIDGE_CPU_PROF=<directory> writes a V8 CPU profile of each bridge run there (--cpu-prof).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import mqtt from "mqtt";
import { NachbarstromError } from "@nachbarstrom/core";
import type { FlowNode } from "../meter-bridge/src/bridge-flow.ts";
import { startBroker } from "../meter-bridge/src/broker.ts";
import { writeUnreachableDeploymentFile } from "../meter-bridge/src/test-fixtures.ts";
import {
  boundFlow,
  encodedRounds,
  meterDirectory,
  simulatedDistrict,
  simulatedRegisters,
  type BenchMessage,
} from "./bench-bridge-district.ts";
import { peakRss, startBridgeProcess, type BridgeProcess } from "./bench-bridge-process.ts";
import { freePort, waitFor } from "./stack/processes.ts";

const METERS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
if (!Number.isSafeInteger(METERS) || METERS < 1 || !Number.isSafeInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`bench:bridge: meters and readingsPerMeter must be positive integers, got ${process.argv.slice(2)}`);
  process.exit(2);
}
const PER_NEIGHBOURHOOD = 100;
/** Seconds between a meter's readings. */
const STEP_SECONDS = 60;
/** The bridge process's V8 setting the README recommends: a small young generation keeps memory low. */
const RECOMMENDED_V8 = ["--max-semi-space-size=1", "--max-old-space-size=200"];
/** Where the bridge files its rejections (reading-gate.ts): any there means a reading will never be stored. */
const REJECTED_FILTER = "nachbarstrom/+/rejected";
/** The format of each topic the simulator publishes on (simulation/README.md), by its first segments. */
const FORMAT_BY_TOPIC: [prefix: string, format: string][] = [
  ["nachbarstrom/", "plain JSON"],
  ["tele/", "Tasmota"],
  ["meters/dsmr/", "DSMR P1"],
  ["v3/", "LoRaWAN"],
  ["meters/eip712/", "EIP-712"],
  ["meters/sml/", "SML"],
  ["meters/d0/", "D0"],
];
const total = METERS * ROUNDS;

// The readings' times: a minute apart, ending now, so none lies in the future.
const startAt = new Date((Math.floor(Date.now() / 60_000) * 60 - ROUNDS * STEP_SECONDS) * 1000);

console.log(`generating ${METERS.toLocaleString("en")} households' readings with the simulator …`);
const lap = stopwatch();
const district = simulatedDistrict(METERS, PER_NEIGHBOURHOOD);
const registers = simulatedRegisters(district, startAt, ROUNDS, STEP_SECONDS);
const registersSeconds = lap();
const plain = await encodedRounds(district, registers, "plain-json");
const plainSeconds = lap();
const mixed = await encodedRounds(district, registers, "mixed");
const mixedSeconds = lap();
// Mostly deriving each meter's signing key from the development mnemonic (about 10 ms each).
const flow = boundFlow(district);
const flowSeconds = lap();
console.log(
  `  households and registers ${registersSeconds.toFixed(1)} s, plain JSON ${plainSeconds.toFixed(1)} s, ` +
    `mixed formats ${mixedSeconds.toFixed(1)} s, flow bound to the devices ${flowSeconds.toFixed(1)} s`,
);
const flowFilters = readingFilters(flow);

const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bench-bridge-"));
writeFileSync(join(dir, "meters.json"), JSON.stringify(meterDirectory(district)));
writeFileSync(join(dir, "flow.json"), JSON.stringify(flow));
const deploymentFile = writeUnreachableDeploymentFile(dir);
const port = await freePort();
const broker = await startBroker({ port });
const mqttUrl = `mqtt://127.0.0.1:${port}`;

try {
  const baseline = await brokerOnly(plain);
  const defaultV8 = await throughBridge("default", [], plain);
  const bridge = await throughBridge("recommended", RECOMMENDED_V8, plain);
  const mixedRun = await throughBridge("mixed", RECOMMENDED_V8, mixed);
  const rows = [
    { what: "broker to a bare subscriber, plain JSON (baseline)", ...baseline, peakRssMb: NaN },
    { what: "(a) plain JSON: broker → Node-RED bridge → SQLite store, Node's defaults", ...defaultV8 },
    { what: `(a) plain JSON, ${RECOMMENDED_V8.join(" ")} (meter-bridge/README.md)`, ...bridge },
    { what: `(b) mixed formats, ${RECOMMENDED_V8.join(" ")}`, ...mixedRun },
  ];
  console.log(
    `\nBridge ingest: ${METERS.toLocaleString("en")} simulated meters × ${ROUNDS} readings (QoS 1); ` +
      `mix ${formatCounts(mixed[0])}\n`,
  );
  console.log("| path | readings/s | p95 latency (ms) | peak RSS (MB) |");
  console.log("|---|---:|---:|---:|");
  for (const r of rows) {
    const rss = Number.isNaN(r.peakRssMb) ? "–" : r.peakRssMb.toFixed(0);
    console.log(`| ${r.what} | ${r.readingsPerSecond.toFixed(0)} | ${r.p95LatencyMs.toFixed(0)} | ${rss} |`);
  }
  mkdirSync("bench-results", { recursive: true });
  const json = {
    readingsPerSecond: Math.round(bridge.readingsPerSecond),
    p95LatencyMs: Math.round(bridge.p95LatencyMs),
    peakRssMb: Math.round(bridge.peakRssMb),
    peakRssMbNodeDefaults: Math.round(defaultV8.peakRssMb),
    baselineReadingsPerSecond: Math.round(baseline.readingsPerSecond),
    mixedReadingsPerSecond: Math.round(mixedRun.readingsPerSecond),
    mixedP95LatencyMs: Math.round(mixedRun.p95LatencyMs),
    mixedPeakRssMb: Math.round(mixedRun.peakRssMb),
  };
  writeFileSync("bench-results/bridge.json", JSON.stringify(json, null, 2) + "\n");
  console.log("\nwrote bench-results/bridge.json");
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Publishes every message, round by round, noting in `published` when, by the reading's key. */
async function publishAll(rounds: BenchMessage[][], published: Map<string, number>): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: "bench-meters" });
  for (const messages of rounds) {
    const pending: Promise<unknown>[] = [];
    for (const { topic, payload, key } of messages) {
      published.set(key, Date.now());
      pending.push(client.publishAsync(topic, payload, { qos: 1 }));
      // Keep at most 1,000 messages in flight, as a gateway would.
      if (pending.length >= 1_000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  }
  await client.endAsync();
}

/** The plain JSON messages through the same broker to a bare subscriber. */
async function brokerOnly(rounds: BenchMessage[][]) {
  const subscriber = await mqtt.connectAsync(mqttUrl, { clientId: "bench-baseline" });
  await subscriber.subscribeAsync("nachbarstrom/+/+/reading", { qos: 1 });
  const latencies: number[] = [];
  const published = new Map<string, number>();
  subscriber.on("message", (topic, payload) => {
    const { timestamp } = JSON.parse(payload.toString()) as { timestamp: string };
    const key = `${topic.split("/")[2]}@${Date.parse(timestamp) / 1000}`;
    latencies.push(Date.now() - (published.get(key) ?? Date.now()));
  });
  const started = Date.now();
  await publishAll(rounds, published);
  await waitFor("the baseline subscriber to receive every reading", async () => latencies.length >= total, 300_000);
  const seconds = (Date.now() - started) / 1000;
  await subscriber.endAsync();
  return { readingsPerSecond: total / seconds, p95LatencyMs: percentile(latencies, 0.95) };
}

/** The messages through the bridge in a process of its own, started with the V8 flags `execArgv`. */
async function throughBridge(label: string, execArgv: string[], rounds: BenchMessage[][]) {
  const databaseFile = join(dir, `bridge-${label}.db`);
  const subscriptionsBefore = flowFilters.map((filter) => broker.subscriptions(filter));
  const cpuProfileDir = process.env.BENCH_BRIDGE_CPU_PROF;
  const bridge = await startBridgeProcess({
    label,
    execArgv,
    dir,
    mqttUrl,
    deploymentFile,
    databaseFile,
    cpuProfileDir,
  });
  try {
    return await measure(label, databaseFile, rounds, subscriptionsBefore, bridge);
  } finally {
    await bridge.stop();
  }
}

/** Publishes `rounds` to the running bridge and measures until it has stored every reading. */
async function measure(
  label: string,
  databaseFile: string,
  rounds: BenchMessage[][],
  subscriptionsBefore: number[],
  bridge: BridgeProcess,
) {
  // Readings published before this bridge subscribed would wait in, or be dropped from, an old session.
  await waitFor("the bridge to subscribe to every format's topic", async () =>
    flowFilters.every((filter, i) => broker.subscriptions(filter) > subscriptionsBefore[i]),
  );
  const rejections = await mqtt.connectAsync(mqttUrl, { clientId: `bench-rejections-${label}` });
  let rejection: string | undefined;
  rejections.on("message", (_topic, payload) => (rejection ??= payload.toString()));
  await rejections.subscribeAsync(REJECTED_FILTER, { qos: 1 });
  const stored = () => {
    const db = new DatabaseSync(databaseFile, { readOnly: true });
    try {
      return Number((db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n);
    } finally {
      db.close();
    }
  };
  const started = Date.now();
  const published = new Map<string, number>();
  try {
    await publishAll(rounds, published);
    await waitFor(
      "the bridge to store every reading",
      async () => {
        bridge.alive();
        if (rejection !== undefined) {
          throw new NachbarstromError(`The bridge (${label}) rejected a reading`, { details: rejection.slice(0, 500) });
        }
        return stored() >= total;
      },
      600_000,
    );
  } finally {
    await rejections.endAsync();
  }
  const seconds = (Date.now() - started) / 1000;
  const peakRssMb = peakRss(bridge.pid);
  const db = new DatabaseSync(databaseFile, { readOnly: true });
  const rows = db.prepare("SELECT metering_point_id AS m, unix_seconds AS s, received_at AS r FROM readings").all() as {
    m: string;
    s: number;
    r: number;
  }[];
  db.close();
  const latencies = rows.map((row) => {
    const sent = published.get(`${row.m}@${row.s}`);
    if (sent === undefined) {
      throw new NachbarstromError(`The bridge (${label}) stored a reading that was not published`, {
        details: `${row.m} at unix time ${row.s}`,
      });
    }
    return row.r - sent;
  });
  return { readingsPerSecond: total / seconds, p95LatencyMs: percentile(latencies, 0.95), peakRssMb };
}

/** The topic filters the flow's MQTT inputs subscribe to. */
function readingFilters(flow: FlowNode[]): string[] {
  return flow
    .filter((node) => node.type === "nachbarstrom-mqtt-in" && typeof node.topic === "string")
    .map((node) => node.topic as string);
}

/** "plain JSON 2000, Tasmota 2000, …": how many messages of one round each format carries. */
function formatCounts(messages: BenchMessage[]): string {
  const counts = new Map<string, number>();
  for (const { topic } of messages) {
    const format = FORMAT_BY_TOPIC.find(([prefix]) => topic.startsWith(prefix))?.[1] ?? topic;
    counts.set(format, (counts.get(format) ?? 0) + 1);
  }
  return [...counts].map(([format, n]) => `${format} ${n}`).join(", ");
}

/** Seconds since the last call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}
