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
import { createPublicClient, http, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  INTERVAL_SECONDS,
  decodeChunkResults,
  intervalOf,
  neighbourhoodSettlementAbi,
  type Deployment,
} from "@nachbarstrom/core";
import { startBroker, type StartBrokerReturnType } from "../../meter-bridge/src/broker.ts";
import { createOutbox } from "../../meter-bridge/src/outbox.ts";
import { openStore, type Store } from "../../meter-bridge/src/store.ts";
import { FAULT_POINTS, type FaultPoint } from "../../meter-bridge/src/fault-points.ts";
import { startChain, type Chain } from "../../scripts/stack/chain.ts";
import { deployContracts } from "../../scripts/stack/deploy.ts";
import { onboardDemo } from "../../scripts/stack/onboard-demo.ts";
import { freePort, spawnService, waitFor } from "../../scripts/stack/processes.ts";
import { demoRoles, devPrivateKey } from "../../scripts/stack/stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const BRIDGE_MAIN = join(root, "meter-bridge/src/main.ts");
/** Intervals the meters report; each is closed by the readings at its end. */
const INTERVALS = 8;
/** Readings per meter and interval: every 5 minutes. */
const STEPS_PER_INTERVAL = 3;
const STEP_SECONDS = INTERVAL_SECONDS / STEPS_PER_INTERVAL;
const HOUSEHOLDS = DEMO_NEIGHBOURHOOD.households;

/** Each meter draws and feeds in at a constant rate: Wh per 5-minute step. */
const rateOf = (index: number) => ({
  importWh: 7 + index * 3,
  exportWh: HOUSEHOLDS[index].pvKwp > 0 ? 40 + index : 0,
});

type Energy = { number: number; importWh: bigint; exportWh: bigint };

/**
 * What each interval must settle by the README's rules, from the readings the bridge stored: a reading
 * belongs to the interval it ends or lies within, (start, end], so the one at a bound closes the interval
 * before it; a meter is in interval k when it has a reading within k other than its baseline; its energy
 * is its last register within k minus the register it was last settled at (at first its baseline, its
 * first reading). Keyed by k from `first`; meters numbered 1, 2, … in household order, as onboarding
 * registers them.
 */
async function energyByTheRules(store: Store, first: bigint): Promise<Map<number, Energy[]>> {
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
    const unixSeconds = secondsOf(step);
    for (const [index, household] of HOUSEHOLDS.entries()) {
      const rate = rateOf(index);
      const payload = JSON.stringify({
        importWh: 1_000_000 + index * 1000 + step * rate.importWh,
        exportWh: 2_000_000 + step * rate.exportWh,
        timestamp: new Date(unixSeconds * 1000).toISOString(),
      });
      await meters.publishAsync(
        `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/${household.meteringPointId}/reading`,
        payload,
        {
          qos: 1,
        },
      );
      published.push({ meter: index, step });
      await sleep(15);
    }
  }
  const lastStep = INTERVALS * STEPS_PER_INTERVAL;
  const secondsOf = (step: number) => Number(first) * INTERVAL_SECONDS + step * STEP_SECONDS;

  /** Starts the bridge as its own process, with a fault plan or none. */
  function startBridgeProcess(fault?: `${FaultPoint}:${number}`) {
    const { database, faults } = files();
    return spawnService({
      name: "bridge",
      command: process.execPath,
      args: [BRIDGE_MAIN],
      cwd: dir,
      env: {
        MQTT_URL: broker.url,
        NACHBARSTROM_DEPLOYMENT: join(dir, "deployment.json"),
        NACHBARSTROM_METERS: join(dir, "meters.json"),
        // WELL-KNOWN LOCAL DEVELOPMENT KEY of the bridge account.
        NACHBARSTROM_BRIDGE_KEY: devPrivateKey(DEV_ACCOUNT_INDEX.bridge),
        NACHBARSTROM_BRIDGE_DB: database,
        NACHBARSTROM_USER_DIR: join(dir, "node-red"),
        NACHBARSTROM_BRIDGE_PORT: "0",
        // Intervals close when every meter has reported past their end, never by the clock.
        NACHBARSTROM_GRACE_SECONDS: "86400",
        NACHBARSTROM_FAULT: fault ?? "",
        NACHBARSTROM_FAULT_LOG: faults,
      },
      log: (line) => bridgeLog.push(line),
    });
  }

  const client = () => createPublicClient({ transport: http(chain.rpcUrl) });
  async function settledIntervals(): Promise<number> {
    let settled = 0;
    for (let k = 0n; k < BigInt(INTERVALS); k++) {
      const record = await client().readContract({
        address: deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        functionName: "intervalOf",
        args: [neighbourhoodIdOf(), first + k],
      });
      if (record.settledAt > 0n) settled++;
    }
    return settled;
  }
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
    const { neighbourhoodSettlement } = deployment.contracts;
    const hood = neighbourhoodIdOf();
    const settled = await client().getContractEvents({
      address: neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "IntervalSettled",
      args: { neighbourhood: hood },
      fromBlock: BigInt(deployment.deployedAtBlock),
    });
    assert.deepEqual(
      settled.map((e) => e.args.interval),
      Array.from({ length: INTERVALS }, (_, k) => first + BigInt(k)),
      "each interval once, in order",
    );
    const chunks = await client().getContractEvents({
      address: neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood },
      fromBlock: BigInt(deployment.deployedAtBlock),
    });
    const store = await openStore({ location: files().database });
    let expected: Map<number, Energy[]>;
    try {
      expected = await energyByTheRules(store, first);
    } finally {
      await store.close();
    }
    for (let k = 0; k < INTERVALS; k++) {
      const results = chunks
        .filter((e) => e.args.interval === first + BigInt(k))
        .flatMap((e) => decodeChunkResults(e.args.results as Hex))
        .map((r) => ({ number: r.number, importWh: r.importWh, exportWh: r.exportWh }))
        .sort((a, b) => a.number - b.number);
      assert.deepEqual(results, expected.get(k), `interval ${k}: each meter once, with its registers' energy`);
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
