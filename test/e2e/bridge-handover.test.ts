/**
 * Two bridge processes share one PostgreSQL database and one Mosquitto broker (ADR 0011): the broker
 * hands each reading to one of them (shared subscription), the neighbourhood's lease decides which one
 * closes its intervals (the other relays the readings it decoded), the outbox lease which one sends.
 * Then the process holding the neighbourhood is killed (SIGKILL) while meters publish: the survivor
 * takes its leases, its inbox and its MQTT session, and every interval is settled exactly once, with
 * exactly the energy the meters' registers say; no reading is lost.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import type { Hex } from "viem";
import { INTERVAL_SECONDS, intervalOf, type Deployment } from "@nachbarstrom/core";
import { freshTestDatabase } from "@nachbarstrom/core/database/test-postgres";
import { openStore, type Store } from "../../meter-bridge/src/store.ts";
import { startChain, type Chain } from "../../scripts/stack/chain.ts";
import { deployContracts } from "../../scripts/stack/deploy.ts";
import { startMosquitto } from "../../scripts/stack/mosquitto.ts";
import { onboardDemo } from "../../scripts/stack/onboard-demo.ts";
import { freePort, waitFor } from "../../scripts/stack/processes.ts";
import { demoRoles } from "../../scripts/stack/stack.ts";
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

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Short leases, so the survivor takes over within seconds. */
const LEASE_MS = 3000;
const OUTBOX = "outbox";

describe("two bridge processes share the work and hand it over when one dies", () => {
  let dir: string;
  let chain: Chain;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let meters: MqttClient;
  let deployment: Deployment;
  let databaseUrl: string;
  let store: Store;
  const first = intervalOf(Date.now() / 1000) - 200n;
  const secondsOf = (step: number) => Number(first) * INTERVAL_SECONDS + step * STEP_SECONDS;
  let nextStep = 0;
  let published = 0;
  const logs: Record<string, string[]> = { a: [], b: [] };
  const bridges: Record<string, ReturnType<typeof spawnBridgeProcess>> = {};

  const publishStep = async () => {
    await publishDemoStep(meters, nextStep, secondsOf(nextStep), 5);
    nextStep++;
    published += HOUSEHOLDS.length;
  };
  const neighbourhoodId = () =>
    (JSON.parse(readFileSync(join(dir, "meters.json"), "utf8")) as { neighbourhoods: { id: Hex }[] }).neighbourhoods[0]
      .id;
  const leases = async () =>
    Object.fromEntries(
      (await store.db.selectFrom("bridge_leases").select(["name", "instance", "expires_at"]).execute())
        .filter((row) => Number(row.expires_at) > Date.now())
        .map((row) => [row.name, row.instance]),
    );
  /** A counter of a bridge process's metrics endpoint. */
  const metricOf = async (instance: string, name: string) => {
    const url = logs[instance].map((line) => /bridge running: (\S+)/.exec(line)?.[1]).findLast(Boolean);
    const metrics = (await (await fetch(`${url}nachbarstrom/metrics.json`)).json()) as {
      name: string;
      values: { value: number }[];
    }[];
    return metrics.find((m) => m.name === name)?.values[0]?.value ?? 0;
  };
  const count = async (table: "readings" | "inbox" | "relay") =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<bigint>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  function startBridge(instance: "a" | "b") {
    // Both processes sign with the one bridge key; only the holder of the outbox lease sends.
    bridges[instance] = spawnBridgeProcess(
      dir,
      broker.url,
      {
        NACHBARSTROM_DATABASE_URL: databaseUrl,
        NACHBARSTROM_BRIDGE_INSTANCE: instance,
        NACHBARSTROM_BRIDGE_LEASE_MS: String(LEASE_MS),
        NACHBARSTROM_USER_DIR: join(dir, `node-red-${instance}`),
      },
      (line) => logs[instance].push(line),
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "nachbarstrom-handover-"));
    chain = await startChain({ port: await freePort(), root });
    deployment = await deployContracts({ rpcUrl: chain.rpcUrl, runtimeDir: dir, roles: demoRoles() });
    await onboardDemo({ deployment, runtimeDir: dir });
    broker = await startMosquitto({ port: await freePort(), log: () => {} });
    databaseUrl = await freshTestDatabase();
    meters = await mqtt.connectAsync(broker.url, { clientId: "handover-meters", clean: false, reconnectPeriod: 200 });
  });

  after(async () => {
    for (const bridge of Object.values(bridges)) await bridge.stop();
    await store?.close();
    await meters?.endAsync(true);
    await broker?.stop();
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("divides the leases, decodes on both and settles through the holder", async () => {
    startBridge("a");
    startBridge("b");
    await waitFor("both bridges on the broker", async () =>
      ["a", "b"].every((i) => logs[i].some((line) => /Connected to broker/.test(line))),
    );
    store = await openStore({ location: databaseUrl });
    await waitFor("one lease each", async () => {
      const held = Object.values(await leases());
      return held.length === 2 && new Set(held).size === 2;
    });
    for (let i = 0; i < 4 * STEPS_PER_INTERVAL + 1; i++) await publishStep();
    await waitFor(
      "four intervals settled",
      async () => (await settledCount(chain.rpcUrl, deployment, neighbourhoodId(), first)) >= 4,
      60_000,
    );
    // The process that does not hold the neighbourhood decoded its share and relayed it.
    const held = await leases();
    const other = held[OUTBOX] as "a" | "b";
    assert.ok(other, JSON.stringify(held));
    const relayed = await metricOf(other, "nachbarstrom_bridge_readings_relayed_total");
    assert.ok(relayed > 0, `readings relayed by ${other}: ${relayed}`);
    assert.equal(await count("relay"), 0, "the holder took every relayed reading");
  });

  it("loses nothing when the holder of the neighbourhood is killed while meters publish", async () => {
    const held = await leases();
    const holder = Object.entries(held).find(([name]) => name.startsWith("neighbourhood:"))?.[1] as "a" | "b";
    assert.ok(holder, `a holder of the neighbourhood: ${JSON.stringify(held)}`);
    const survivor = holder === "a" ? "b" : "a";
    const lastStep = INTERVALS * STEPS_PER_INTERVAL;
    // Half-way through the next interval the holder dies; the meters go on.
    for (let i = 0; i < 2; i++) await publishStep();
    bridges[holder].child.kill("SIGKILL");
    while (nextStep <= lastStep) await publishStep();
    await waitFor(
      `all ${INTERVALS} intervals settled by ${survivor}`,
      async () => (await settledCount(chain.rpcUrl, deployment, neighbourhoodId(), first)) === INTERVALS,
      120_000,
    );
    assert.deepEqual(Object.values(await leases()), [survivor, survivor], "the survivor holds everything");
    assert.ok(
      logs[survivor].some((line) => line.includes(`process ${holder} stopped renewing its leases`)),
      logs[survivor].slice(-20).join("\n"),
    );
    // What the broker had queued for the dead process's session reached the survivor.
    const adopted = logs[survivor]
      .map((line) => new RegExp(`took over (\\d+) messages from the MQTT session of ${holder}`).exec(line)?.[1])
      .find(Boolean);
    assert.ok(Number(adopted) > 0, `messages adopted from ${holder}'s session: ${adopted}`);
    await assertSettledByTheRules(chain.rpcUrl, deployment, neighbourhoodId(), first, store);
    const stored = await count("readings");
    console.log(
      `# hand-over: readings published ${published}, stored ${stored}; ${holder} killed, ` +
        `${survivor} adopted ${adopted} messages of its session and settled all ${INTERVALS} intervals`,
    );
    assert.equal(stored, published, "every reading published is stored, once");
    await waitFor("relay and inbox empty", async () => (await count("relay")) + (await count("inbox")) === 0);
  });
});
