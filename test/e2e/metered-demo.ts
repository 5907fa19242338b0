/**
 * The demo neighbourhood's meters as the bridge end-to-end tests drive them: each meter draws and feeds in
 * at a constant rate, a reading every 5 minutes; and what the chain must then hold, by the settlement
 * rules, computed from the readings the bridge stored.
 */
import assert from "node:assert/strict";
import type { MqttClient } from "mqtt";
import { createPublicClient, http, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  INTERVAL_SECONDS,
  decodeChunkResults,
  neighbourhoodSettlementAbi,
  type Deployment,
} from "@nachbarstrom/core";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../../meter-bridge/src/store.ts";
import { spawnService } from "../../scripts/stack/processes.ts";
import { devPrivateKey } from "../../scripts/stack/stack.ts";

const BRIDGE_MAIN = fileURLToPath(new URL("../../meter-bridge/src/main.ts", import.meta.url));

/** Intervals the meters report; each is closed by the readings at its end. */
export const INTERVALS = 8;
/** Readings per meter and interval: every 5 minutes. */
export const STEPS_PER_INTERVAL = 3;
export const STEP_SECONDS = INTERVAL_SECONDS / STEPS_PER_INTERVAL;
export const HOUSEHOLDS = DEMO_NEIGHBOURHOOD.households;

/** Each meter draws and feeds in at a constant rate: Wh per 5-minute step. */
export const rateOf = (index: number) => ({
  importWh: 7 + index * 3,
  exportWh: HOUSEHOLDS[index].pvKwp > 0 ? 40 + index : 0,
});

export type Energy = { number: number; importWh: bigint; exportWh: bigint };

/**
 * What each interval must settle by the README's rules, from the readings the bridge stored: a reading
 * belongs to the interval it ends or lies within, (start, end], so the one at a bound closes the interval
 * before it; a meter is in interval k when it has a reading within k other than its baseline; its energy
 * is its last register within k minus the register it was last settled at (at first its baseline, its
 * first reading). Keyed by k from `first`; meters numbered 1, 2, … in household order, as onboarding
 * registers them.
 */
export async function energyByTheRules(store: Store, first: bigint): Promise<Map<number, Energy[]>> {
  const expected = new Map<number, Energy[]>();
  for (const [index, household] of HOUSEHOLDS.entries()) {
    const rows = await store.db
      .selectFrom("readings")
      .select(["unix_seconds", "import_wh", "export_wh"])
      .where("metering_point_id", "=", household.meteringPointId)
      .orderBy("unix_seconds")
      .execute();
    let settled = rows[0];
    for (let k = 0; k < INTERVALS; k++) {
      const start = (Number(first) + k) * INTERVAL_SECONDS;
      // The baseline settles nothing by itself: a meter is in k when it has a reading within k after it.
      const within = rows.filter(
        (r) => r !== rows[0] && Number(r.unix_seconds) > start && Number(r.unix_seconds) <= start + INTERVAL_SECONDS,
      );
      const last = within.at(-1);
      if (!last || !settled) continue;
      const energy = {
        number: index + 1,
        importWh: last.import_wh - settled.import_wh,
        exportWh: last.export_wh - settled.export_wh,
      };
      expected.set(k, [...(expected.get(k) ?? []), energy]);
      settled = last;
    }
  }
  return expected;
}

/** The register values of meter `index` at `step`, as a plain JSON reading. */
export function readingPayload(index: number, step: number, unixSeconds: number): string {
  const rate = rateOf(index);
  return JSON.stringify({
    importWh: 1_000_000 + index * 1000 + step * rate.importWh,
    exportWh: 2_000_000 + step * rate.exportWh,
    timestamp: new Date(unixSeconds * 1000).toISOString(),
  });
}

/** Publishes every meter's reading of `step` (QoS 1), one at a time as meters do. */
export async function publishDemoStep(
  meters: MqttClient,
  step: number,
  unixSeconds: number,
  gapMs = 15,
): Promise<void> {
  for (const [index, household] of HOUSEHOLDS.entries()) {
    await meters.publishAsync(
      `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/${household.meteringPointId}/reading`,
      readingPayload(index, step, unixSeconds),
      { qos: 1 },
    );
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

/** How many of the INTERVALS from `first` the chain has settled for the neighbourhood. */
export async function settledCount(
  rpcUrl: string,
  deployment: Deployment,
  neighbourhood: Hex,
  first: bigint,
): Promise<number> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  let settled = 0;
  for (let k = 0n; k < BigInt(INTERVALS); k++) {
    const record = await client.readContract({
      address: deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      functionName: "intervalOf",
      args: [neighbourhood, first + k],
    });
    if (record.settledAt > 0n) settled++;
  }
  return settled;
}

/**
 * Asserts that the chain settled each of the INTERVALS from `first` exactly once, in order, each meter
 * with exactly the energy the stored registers say; returns the settling events.
 */
export async function assertSettledByTheRules(
  rpcUrl: string,
  deployment: Deployment,
  neighbourhood: Hex,
  first: bigint,
  store: Store,
) {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const { neighbourhoodSettlement } = deployment.contracts;
  const settled = await client.getContractEvents({
    address: neighbourhoodSettlement,
    abi: neighbourhoodSettlementAbi,
    eventName: "IntervalSettled",
    args: { neighbourhood },
    fromBlock: BigInt(deployment.deployedAtBlock),
  });
  assert.deepEqual(
    settled.map((e) => e.args.interval),
    Array.from({ length: INTERVALS }, (_, k) => first + BigInt(k)),
    "each interval once, in order",
  );
  const chunks = await client.getContractEvents({
    address: neighbourhoodSettlement,
    abi: neighbourhoodSettlementAbi,
    eventName: "ChunkSettled",
    args: { neighbourhood },
    fromBlock: BigInt(deployment.deployedAtBlock),
  });
  const expected = await energyByTheRules(store, first);
  for (let k = 0; k < INTERVALS; k++) {
    const results = chunks
      .filter((e) => e.args.interval === first + BigInt(k))
      .flatMap((e) => decodeChunkResults(e.args.results as Hex))
      .map((r) => ({ number: r.number, importWh: r.importWh, exportWh: r.exportWh }))
      .sort((a, b) => a.number - b.number);
    assert.deepEqual(results, expected.get(k), `interval ${k}: each meter once, with its registers' energy`);
  }
  return settled;
}

/**
 * Starts meter-bridge/src/main.ts as a process of its own on the demo deployment in `dir`, with
 * `env` on top (its database, instance, faults); intervals close when every meter has reported past
 * their end, never by the clock.
 */
export function spawnBridgeProcess(
  dir: string,
  mqttUrl: string,
  env: Record<string, string>,
  log: (line: string) => void,
): ReturnType<typeof spawnService> {
  return spawnService({
    name: "bridge",
    command: process.execPath,
    args: [BRIDGE_MAIN],
    cwd: dir,
    env: {
      MQTT_URL: mqttUrl,
      NACHBARSTROM_DEPLOYMENT: join(dir, "deployment.json"),
      NACHBARSTROM_METERS: join(dir, "meters.json"),
      // WELL-KNOWN LOCAL DEVELOPMENT KEY of the bridge account.
      NACHBARSTROM_BRIDGE_KEY: devPrivateKey(DEV_ACCOUNT_INDEX.bridge),
      NACHBARSTROM_USER_DIR: join(dir, "node-red"),
      NACHBARSTROM_BRIDGE_PORT: "0",
      NACHBARSTROM_GRACE_SECONDS: "86400",
      ...env,
    },
    log,
  });
}
