/**
 * Fault injection with the real parts: anvil (a chain node that keeps its chain in a file across
 * restarts), the contracts, the embedded broker, and the bridge as its own Node-RED process
 * (meter-bridge/src/main.ts). The bridge is killed with SIGKILL at each fault point of
 * meter-bridge/src/fault-points.ts in turn, the broker is restarted, the chain node is stopped and
 * started again — while meters keep publishing. Then every interval must be settled exactly once, with
 * exactly the energy the meters' registers say.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import type { Hex } from "viem";
import { DEMO_NEIGHBOURHOOD, INTERVAL_SECONDS, intervalOf, type Deployment } from "@nachbarstrom/core";
import { startBroker, type StartBrokerReturnType } from "../../meter-bridge/src/broker.ts";
import {
  HOUSEHOLDS,
  INTERVALS,
  STEPS_PER_INTERVAL,
  STEP_SECONDS,
  assertSettledByTheRules,
  publishDemoStep,
  settledCount,
  spawnBridgeProcess,
} from "./metered-demo.ts";
import { createOutbox } from "../../meter-bridge/src/outbox.ts";
import { openStore } from "../../meter-bridge/src/store.ts";
import { FAULT_POINTS, type FaultPoint } from "../../meter-bridge/src/fault-points.ts";
import { startChain, type Chain } from "../../scripts/stack/chain.ts";
import { deployContracts } from "../../scripts/stack/deploy.ts";
import { onboardDemo } from "../../scripts/stack/onboard-demo.ts";
import { freePort, waitFor } from "../../scripts/stack/processes.ts";
import { demoRoles } from "../../scripts/stack/stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
describe("the bridge loses and double-counts nothing when it, the broker or the chain node fails", () => {
  let dir: string;
  let chain: Chain;
  let chainPort: number;
  let broker: StartBrokerReturnType;
  let mqttPort: number;
  let meters: MqttClient;
  let deployment: Deployment;
  const first = intervalOf(Date.now() / 1000) - 200n;
  const files = () => ({
    database: join(dir, "bridge.db"),
    faults: join(dir, "faults.log"),
    state: join(dir, "chain.json"),
  });
  const published: { meter: number; step: number }[] = [];
  let nextStep = 0;
  const bridgeLog: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "nachbarstrom-faults-"));
    chainPort = await freePort();
    chain = await startChain({ port: chainPort, root, anvilStateFile: files().state });
    deployment = await deployContracts({ rpcUrl: chain.rpcUrl, runtimeDir: dir, roles: demoRoles() });
    await onboardDemo({ deployment, runtimeDir: dir });
    mqttPort = await freePort();
    broker = await startBroker({ port: mqttPort });
    meters = await mqtt.connectAsync(broker.url, { clientId: "faults-meters", clean: false, reconnectPeriod: 200 });
  });

  after(async () => {
    await meters?.endAsync(true);
    await broker?.stop();
    await chain?.stop();
    // To look into a failure: NACHBARSTROM_FAULTS_LOG=<file> keeps the bridge's output and the directory.
    const keep = process.env.NACHBARSTROM_FAULTS_LOG;
    if (keep) writeFileSync(keep, `${dir}\n${bridgeLog.join("\n")}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes every meter's reading of the next step (QoS 1), one reading at a time as meters do. */
  async function publishStep(): Promise<void> {
    const step = nextStep++;
    await publishDemoStep(meters, step, secondsOf(step));
    for (const meter of HOUSEHOLDS.keys()) published.push({ meter, step });
  }
  const lastStep = INTERVALS * STEPS_PER_INTERVAL;
  const secondsOf = (step: number) => Number(first) * INTERVAL_SECONDS + step * STEP_SECONDS;

  /** Starts the bridge as its own process, with a fault plan or none. */
  function startBridgeProcess(fault?: `${FaultPoint}:${number}`) {
    const { database, faults } = files();
    const env = { NACHBARSTROM_BRIDGE_DB: database, NACHBARSTROM_FAULT: fault ?? "", NACHBARSTROM_FAULT_LOG: faults };
    return spawnBridgeProcess(dir, broker.url, env, (line) => bridgeLog.push(line));
  }

  const settledIntervals = () => settledCount(chain.rpcUrl, deployment, neighbourhoodIdOf(), first);
  const neighbourhoodIdOf = () =>
    (JSON.parse(readFileSync(join(dir, "meters.json"), "utf8")) as { neighbourhoods: { id: Hex }[] }).neighbourhoods[0]
      .id;

  it("is killed at every fault point in turn, and each restart carries on", async () => {
    for (const point of FAULT_POINTS) {
      const bridge = startBridgeProcess(`${point}:1`);
      // The broker keeps messages for the bridge only once it has subscribed: wait for that the first time.
      if (point === FAULT_POINTS[0]) {
        await waitFor("the bridge's first subscription", async () =>
          bridgeLog.some((l) => /Connected to broker/.test(l)),
        );
      }
      // Meters keep publishing until the bridge dies at the point; settling needs no new readings.
      const died = bridge.exited.then(() => true);
      while (!(await Promise.race([died, sleep(300).then(() => false)]))) {
        if (nextStep <= lastStep - 3) await publishStep();
      }
      assert.equal(bridge.child.signalCode, "SIGKILL", `killed at ${point}; log:\n${bridgeLog.slice(-20).join("\n")}`);
    }
    const log = readFileSync(files().faults, "utf8").trim().split("\n");
    assert.deepEqual(
      log.map((line) => (JSON.parse(line) as { point: string }).point),
      [...FAULT_POINTS],
      "one crash per point, where it was planned",
    );
  });

  it("rides out a broker restart and a chain node restart while meters publish", async () => {
    const bridge = startBridgeProcess();
    try {
      await publishStep();
      // The broker goes away while meters publish; the new one takes over its sessions and queues.
      await broker.stop();
      const queued = publishStep();
      await sleep(1000);
      const connections = bridgeLog.filter((l) => /Connected to broker/.test(l)).length;
      broker = await startBroker({ port: mqttPort, persistence: broker.persistence });
      await queued;
      await waitFor(
        "the bridge back on the broker",
        async () => bridgeLog.filter((l) => /Connected to broker/.test(l)).length > connections,
      );
      // The chain node stops (writing its chain to the file) while intervals close, and comes back.
      await chain.stop();
      for (let i = 0; i < STEPS_PER_INTERVAL; i++) await publishStep(); // closes at least one interval
      await sleep(3000);
      chain = await startChain({ port: chainPort, root, anvilStateFile: files().state });
      while (nextStep <= lastStep) await publishStep();
      await waitFor(
        `all ${INTERVALS} intervals settled`,
        async () => (await settledIntervals()) === INTERVALS,
        120_000,
      );
      // Wait for the outbox to record the last confirmation before the bridge stops.
      await waitFor("the outbox to be empty", async () => {
        const store = await openStore({ location: files().database });
        try {
          const counts = await createOutbox(store).counts();
          return counts.pending + counts.submitted === 0;
        } finally {
          await store.close();
        }
      });
      // The bridge kept trying while the chain node was away, and says so in its metrics.
      const url = bridgeLog.map((l) => /bridge running: (\S+)/.exec(l)?.[1]).findLast(Boolean);
      const metrics = (await (await fetch(`${url}nachbarstrom/metrics.json`)).json()) as {
        name: string;
        values: { value: number }[];
      }[];
      const retried = metrics.find((m) => m.name === "nachbarstrom_bridge_batches_retried_total")?.values[0]?.value;
      assert.ok((retried ?? 0) > 0, `settlement attempts retried: ${retried}`);
    } finally {
      await bridge.stop();
    }
  });

  it("settled every interval exactly once, with exactly the energy the registers say", async () => {
    const store = await openStore({ location: files().database });
    let settled: Awaited<ReturnType<typeof assertSettledByTheRules>>;
    try {
      settled = await assertSettledByTheRules(chain.rpcUrl, deployment, neighbourhoodIdOf(), first, store);
    } finally {
      await store.close();
    }

    const reopened = await openStore({ location: files().database });
    try {
      const outbox = createOutbox(reopened);
      assert.deepEqual(await outbox.counts(), {
        pending: 0,
        submitted: 0,
        confirmed: INTERVALS,
        "already-settled": 0,
        failed: 0,
      });
      for (const event of settled) {
        const entry = await outbox.get(DEMO_NEIGHBOURHOOD.slug, event.args.interval as bigint);
        assert.equal(entry?.txHash, event.transactionHash, `the outbox holds the settling transaction`);
      }
      // Every reading published is stored, once: the MQTT input keeps each message in the inbox before
      // the broker is acknowledged, and sends what a crash left unfinished again at the next start.
      const count = async (table: "readings" | "inbox") =>
        Number(
          (
            await reopened.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<bigint>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const stored = await count("readings");
      const lost = published.length - stored;
      const twice = settled.length - new Set(settled.map((e) => e.args.interval)).size;
      console.log(
        `# faults: ${FAULT_POINTS.length} SIGKILLs, 1 broker restart, 1 chain node restart; ` +
          `readings published ${published.length}, stored ${stored}, lost ${lost}; ` +
          `intervals ${INTERVALS}, settled ${settled.length}, settled twice ${twice}`,
      );
      assert.equal(stored, published.length, "no reading lost");
      assert.equal(await count("inbox"), 0, "the inbox is empty");
    } finally {
      await reopened.close();
    }
  });
});
