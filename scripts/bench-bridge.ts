/**
 * `npm run bench:bridge`: pushes readings of 10,000 meters (100 neighbourhoods of 100) over MQTT
 * (QoS 1) through the real broker and the real Node-RED runtime with the shipped flow into the bridge's
 * durable store, and prints readings per second sustained, p95 latency from publish to stored, and the
 * bridge process's peak RSS — next to a baseline in the same run: the same messages through the same
 * broker to a bare subscriber. The bridge runs twice: with Node's defaults and with the V8 setting the
 * bridge README recommends; bench-results/bridge.json holds the recommended one. Writes bench-results/bridge.json. Usage: node scripts/bench-bridge.ts
 * [meters] [readingsPerMeter]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import mqtt from "mqtt";
import { keccak256, toBytes, toHex } from "viem";
import { DEV_ACCOUNT_INDEX, devAccount, type MeterDirectory } from "@nachbarstrom/core";
import { startBroker } from "../meter-bridge/src/broker.ts";
import { writeUnreachableDeploymentFile } from "../meter-bridge/src/test-fixtures.ts";
import { freePort, waitFor } from "./stack/processes.ts";

const METERS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const PER_NEIGHBOURHOOD = 100;
/** The bridge process's V8 setting the README recommends: a small young generation keeps memory low. */
const RECOMMENDED_V8 = ["--max-semi-space-size=1", "--max-old-space-size=200"];
/** The shipped flow's subscription for plain JSON readings. */
const READING_FILTER = "nachbarstrom/+/+/reading";
const total = METERS * ROUNDS;

const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bench-bridge-"));
const meters = Array.from({ length: METERS }, (_, i) => ({
  slug: `bench-${String(Math.floor(i / PER_NEIGHBOURHOOD)).padStart(3, "0")}`,
  meteringPointId: `DE00BENCH${String(i).padStart(24, "0")}`,
}));
writeDirectory();
const deploymentFile = writeUnreachableDeploymentFile(dir);
const port = await freePort();
const broker = await startBroker({ port });
const mqttUrl = `mqtt://127.0.0.1:${port}`;
// The readings' times: one minute apart, ending now, so none lies in the future.
const base = Math.floor(Date.now() / 60_000) * 60 - ROUNDS * 60;

try {
  const baseline = await brokerOnly();
  const defaultV8 = await throughBridge("default", []);
  const bridge = await throughBridge("recommended", RECOMMENDED_V8);
  const rows = [
    { what: "broker to a bare subscriber (baseline)", ...baseline, peakRssMb: NaN },
    { what: "broker → Node-RED bridge → SQLite store, Node's defaults", ...defaultV8 },
    { what: `… with ${RECOMMENDED_V8.join(" ")} (meter-bridge/README.md)`, ...bridge },
  ];
  console.log(`\nBridge ingest: ${METERS.toLocaleString("en")} meters × ${ROUNDS} readings (QoS 1)\n`);
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
  };
  writeFileSync("bench-results/bridge.json", JSON.stringify(json, null, 2) + "\n");
  console.log("\nwrote bench-results/bridge.json");
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Publishes every reading, noting in `published` when, by `<meteringPointId>@<unixSeconds>`. */
async function publishAll(published: Map<string, number>): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: "bench-meters" });
  for (let round = 0; round < ROUNDS; round++) {
    const pending: Promise<unknown>[] = [];
    const unixSeconds = base + round * 60;
    for (const [i, m] of meters.entries()) {
      const payload = JSON.stringify({
        importWh: 1_000 + round * 10 + (i % 7),
        exportWh: 0,
        timestamp: new Date(unixSeconds * 1000).toISOString(),
      });
      published.set(`${m.meteringPointId}@${unixSeconds}`, Date.now());
      pending.push(client.publishAsync(`nachbarstrom/${m.slug}/${m.meteringPointId}/reading`, payload, { qos: 1 }));
      // Keep at most 1,000 messages in flight, as a gateway would.
      if (pending.length >= 1_000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  }
  await client.endAsync();
}

/** The same readings through the same broker to a bare subscriber. */
async function brokerOnly() {
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
  await publishAll(published);
  await waitFor("the baseline subscriber to receive every reading", async () => latencies.length >= total, 300_000);
  const seconds = (Date.now() - started) / 1000;
  await subscriber.endAsync();
  return { readingsPerSecond: total / seconds, p95LatencyMs: percentile(latencies, 0.95) };
}

/** The readings through the bridge in a process of its own, started with the V8 flags `execArgv`. */
async function throughBridge(label: string, execArgv: string[]) {
  const databaseFile = join(dir, `bridge-${label}.db`);
  const subscriptionsBefore = broker.subscriptions(READING_FILTER);
  const child = spawn(
    process.execPath,
    [
      ...execArgv,
      "scripts/bench-bridge-runner.ts",
      join(dir, `node-red-${label}`),
      mqttUrl,
      deploymentFile,
      join(dir, "meters.json"),
      databaseFile,
    ],
    {
      // WELL-KNOWN LOCAL DEVELOPMENT KEY of the bridge account (packages/core/src/demo.ts).
      env: { ...process.env, BENCH_BRIDGE_KEY: toHex(devAccount(DEV_ACCOUNT_INDEX.bridge).getHdKey().privateKey!) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  await waitFor("the bridge to start", async () => output.includes("ready"), 120_000);
  // Readings published before this bridge subscribed would wait in, or be dropped from, an old session.
  await waitFor("the bridge to subscribe", async () => broker.subscriptions(READING_FILTER) > subscriptionsBefore);
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
  await publishAll(published);
  await waitFor("the bridge to store every reading", async () => stored() >= total, 600_000);
  const seconds = (Date.now() - started) / 1000;
  const peakRssMb = peakRss(child.pid!);
  const db = new DatabaseSync(databaseFile, { readOnly: true });
  const rows = db.prepare("SELECT metering_point_id AS m, unix_seconds AS s, received_at AS r FROM readings").all() as {
    m: string;
    s: number;
    r: number;
  }[];
  db.close();
  const latencies = rows.map((row) => row.r - published.get(`${row.m}@${row.s}`)!);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return { readingsPerSecond: total / seconds, p95LatencyMs: percentile(latencies, 0.95), peakRssMb };
}

/** The process's peak resident memory (VmHWM) in MB. */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function writeDirectory(): void {
  const directory: MeterDirectory = { neighbourhoods: [] };
  for (const [i, m] of meters.entries()) {
    let hood = directory.neighbourhoods.at(-1);
    if (hood?.slug !== m.slug) {
      hood = { slug: m.slug, id: keccak256(toBytes(m.slug)), meters: [] };
      directory.neighbourhoods.push(hood);
    }
    hood.meters.push({
      meteringPointId: m.meteringPointId,
      meterId: keccak256(toBytes(m.meteringPointId)),
      owner: `0x${(0x30000 + i).toString(16).padStart(40, "0")}`,
    });
  }
  writeFileSync(join(dir, "meters.json"), JSON.stringify(directory));
}
