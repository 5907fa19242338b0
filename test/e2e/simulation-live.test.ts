/**
 * The differential check of issue 7: a stretch of a simulated summer day, published live by the
 * simulator in its mix of meter formats, goes through the real stack (broker, Node-RED bridge with the
 * format decoders, chain) and must settle exactly, to the Wh and the micro-euro, as the offline year
 * (`simulateYear`, the reference settlement) settles the same quarter hours.
 *
 * The edges, as the bridge defines them (meter-bridge/README.md, "Intervals"): a meter's first reading
 * is its baseline; a reading belongs to the interval it ends or lies within, so the reading at exactly
 * 11:15:00 is the end register of 11:00–11:15; an interval's energy is its last reading minus the
 * register the meter was settled at. With one reading per meter every 900 s on the quarter hours, the
 * bridge's interval k holds the registers' growth from the start of k to its end: the offline year's
 * interval k, the same quarter hour, with no shift. Registers are whole Wh with the sub-Wh remainder
 * carried, in both runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { createPublicClient, http, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  decodeChunkResults,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  settleInterval,
  tariffScheduleAbi,
  type ChunkResult,
  type SettleIntervalReturnType,
} from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { startLiveFeed, type LiveFeed } from "../../simulation/src/live.ts";
import { meterFormats, withSimulatedMeters, type FlowNode } from "../../simulation/src/live-formats.ts";
import { loadScenario } from "../../simulation/src/scenario.ts";
import { simulateYear } from "../../simulation/src/year.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const INTERVALS = 8;
const STEP_SECONDS = 900;
/** Simulated seconds per wall second: one quarter hour a second. */
const SPEED = 900;

/** 11:00 German summer time on 21 June of the latest year whose 21 June has passed: PV households export. */
function pastSummerMorning(): Date {
  const now = new Date();
  const thisYear = new Date(Date.UTC(now.getUTCFullYear(), 5, 21, 9, 0));
  return thisYear.getTime() < now.getTime() - 86_400_000
    ? thisYear
    : new Date(Date.UTC(now.getUTCFullYear() - 1, 5, 21, 9, 0));
}

/**
 * Deploys the bridge's running flow again with the simulated meters bound in every format (what
 * `npm start` does before it starts; the test stack starts the shipped flow as it is). Only the
 * reading nodes change, so only they restart.
 */
async function bindSimulatedMeters(editorUrl: string): Promise<void> {
  const headers = { "Node-RED-API-Version": "v2", "content-type": "application/json" };
  const current = await fetch(new URL("flows", editorUrl), { headers });
  assert.equal(current.status, 200, "GET /flows of the bridge");
  const { rev, flows } = (await current.json()) as { rev: string; flows: FlowNode[] };
  const deployed = await fetch(new URL("flows", editorUrl), {
    method: "POST",
    headers: { ...headers, "Node-RED-Deployment-Type": "nodes" },
    body: JSON.stringify({ rev, flows: withSimulatedMeters(flows, DEMO_NEIGHBOURHOOD) }),
  });
  assert.equal(deployed.status, 200, `POST /flows: ${await deployed.text()}`);
}

describe("a simulated day run live through the stack settles as the offline run", () => {
  let stack: TestStack;
  let feed: LiveFeed | undefined;
  let listener: MqttClient | undefined;
  /** The feed's broker errors and the bridge's rejections (`nachbarstrom/<neighbourhood>/rejected`). */
  const problems: string[] = [];

  before(async () => {
    stack = await startTestStack("simulation-live");
    await bindSimulatedMeters(stack.urls.nodeRed);
    listener = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-simulation-rejections" });
    listener.on("message", (topic, payload) => problems.push(`${topic}: ${payload.toString()}`));
    await listener.subscribeAsync("nachbarstrom/+/rejected", { qos: 1 });
  });

  after(async () => {
    await feed?.stop();
    await listener?.endAsync();
    await stopTestStack(stack);
  });

  it("settles every meter of 8 accelerated intervals, in mixed formats, to the unit as simulateYear does", async () => {
    const startAt = pastSummerMorning();
    const startUnix = startAt.getTime() / 1000;
    const firstInterval = BigInt(startUnix / STEP_SECONDS);
    const formats = meterFormats(DEMO_NEIGHBOURHOOD.households.length, "mixed", false);
    assert.deepEqual(new Set(formats), new Set(["plain-json", "tasmota", "dsmr", "lorawan", "eip712"]));

    // The offline run of the same quarter hours: the demo scenario (DEMO_NEIGHBOURHOOD, seed 1, Aachen).
    const scenario = await loadScenario(new URL("../../simulation/scenarios/demo.json", import.meta.url).pathname);
    assert.deepEqual(
      scenario.households.map((h) => [h.meteringPointId, h.annualKwh, h.pvKwp]),
      DEMO_NEIGHBOURHOOD.households.map((h) => [h.meteringPointId, h.annualKwh, h.pvKwp]),
      "demo.json is the demo neighbourhood",
    );
    const offline: SettleIntervalReturnType[] = [];
    simulateYear({
      scenario: { ...scenario, year: startAt.getUTCFullYear() },
      startUnix,
      intervals: INTERVALS,
      onInterval: (_, settlement) => offline.push(settlement),
    });

    // Readings at the quarter hours 0 … INTERVALS: the baseline, then one at the end of each interval, which closes it.
    const closing = new Date((startUnix + INTERVALS * STEP_SECONDS) * 1000).toISOString().replace(".000Z", "Z");
    let closingAcknowledged = 0;
    feed = await startLiveFeed({
      mqttUrl: stack.urls.mqtt,
      startAt,
      speed: SPEED,
      stepSeconds: STEP_SECONDS,
      formats: "mixed",
      onPublish: ({ payload }) => {
        if (payload.timestamp === closing) closingAcknowledged += 1;
      },
      onError: (error) => problems.push(error.message),
    });
    await waitFor("the closing readings", async () => closingAcknowledged === formats.length, 30_000);
    await feed.stop();
    feed = undefined;

    const { rpcUrl, contracts, deployedAtBlock } = stack.deployment;
    const chain = createPublicClient({ transport: http(rpcUrl) });
    const hood = stack.directory.neighbourhoods[0].id as Hex;
    const lastInterval = firstInterval + BigInt(INTERVALS) - 1n;
    await waitFor(
      `intervals ${firstInterval} … ${lastInterval} to settle`,
      async () => {
        const record = await chain.readContract({
          address: contracts.neighbourhoodSettlement,
          abi: neighbourhoodSettlementAbi,
          functionName: "intervalOf",
          args: [hood, lastInterval],
        });
        return record.settledAt > 0n;
      },
      45_000,
    );

    // The rules and tariff as the chain has them, and the meters numbered in the scenario's order.
    const rules = await chain.readContract({
      address: contracts.meterRegistry,
      abi: meterRegistryAbi,
      functionName: "neighbourhoodOf",
      args: [hood],
    });
    assert.equal(rules.allocationKey, 0, "pro rata");
    const numbers = await Promise.all(
      stack.directory.neighbourhoods[0].meters.map(async ({ meterId }) => {
        const meter = await chain.readContract({
          address: contracts.meterRegistry,
          abi: meterRegistryAbi,
          functionName: "meterOf",
          args: [meterId as Hex],
        });
        return meter.number;
      }),
    );
    assert.deepEqual(
      numbers,
      scenario.households.map((_, h) => h + 1),
    );

    const events = await chain.getContractEvents({
      address: contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood },
      fromBlock: BigInt(deployedAtBlock),
    });
    const onChain = new Map<bigint, ChunkResult[]>();
    for (const { args } of events) {
      const results = onChain.get(args.interval!) ?? [];
      onChain.set(args.interval!, [...results, ...decodeChunkResults(args.results!)]);
    }
    assert.equal(onChain.has(firstInterval - 1n), false, "the baseline readings at the first bound settle nothing");

    for (let k = 0; k < INTERVALS; k++) {
      const interval = firstInterval + BigInt(k);
      const [tariff] = await chain.readContract({
        address: contracts.tariffSchedule,
        abi: tariffScheduleAbi,
        functionName: "tariffAt",
        args: [hood, interval],
      });
      const chainTariff = { ...scenario.tariff };
      for (const key of Object.keys(chainTariff) as (keyof typeof chainTariff)[]) {
        (chainTariff as Record<string, unknown>)[key] =
          typeof scenario.tariff[key] === "bigint" ? BigInt(tariff[key]) : Number(tariff[key]);
      }
      const reference = settleInterval({
        tariff: chainTariff,
        meters: offline[k].meters.map(({ number, importWh, exportWh }) => ({ number, importWh, exportWh })),
      });
      assert.deepEqual(
        reference.meters,
        offline[k].meters,
        `the offline year settles interval ${k} as the chain's rules do`,
      );
      const settled = (onChain.get(interval) ?? []).sort((a, b) => a.number - b.number);
      assert.deepEqual(settled, reference.meters, `interval ${interval} (offline quarter hour ${k})`);
    }
    // The comparison tells neighbouring quarter hours apart: paired with a shift of one interval (as
    // the bridge settled before readings at a bound closed the interval they end), the chain's
    // intervals do not match the offline ones, and the loop above fails.
    const sorted = (interval: bigint) => [...(onChain.get(interval) ?? [])].sort((a, b) => a.number - b.number);
    assert.ok(
      offline.slice(0, -1).some((s, k) => !isDeepStrictEqual(sorted(firstInterval + BigInt(k) + 1n), s.meters)),
      "the bridge's interval k + 1 is not the offline interval k",
    );
    assert.deepEqual(problems, [], "no reading was rejected or lost");
    // Something was traded locally, so the comparison covers the pool's rounding too.
    assert.ok(
      offline.some((s) => s.localWh > 0n),
      "PV shared in the neighbourhood",
    );
  });
});
