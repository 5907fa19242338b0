import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import RED from "node-red";
import { INGEST_NODE_TYPE, SHIPPED_FLOW_FILE, readFlowFile } from "./bridge-flow.ts";
import { startBroker, type StartBrokerReturnType } from "./broker.ts";
import { BridgeConfigurationError, BridgeStartError } from "./errors.ts";
import { startBridge, type StartBridgeParameters, type StartBridgeReturnType } from "./server.ts";
import { sql } from "@nachbarstrom/core/database";
import { openStore } from "./store.ts";
import { fixture } from "./formats/test-support.ts";
import { DEFAULT_STORE_FILE_NAME } from "./store-file.ts";
import { MIGRATIONS } from "./store-schema.ts";
import { HOOD, MP, writeDirectoryFile, writeUnreachableDeploymentFile } from "./test-fixtures.ts";

/** Hardhat's well-known development account 1: public, for tests only. */
const DEV_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** The HTTP ingest token of this test's only meter operator. */
const INGEST_TOKEN = "stadtwerk-test-token-0123456789";

type NodeStatusEvent = { id: string; status: { fill?: string; shape?: string; text?: string } };

/**
 * A meter message of every format but plain JSON, on its topic of the shipped flow, and the reason its
 * reading node gives: the shipped nodes list no devices, so each says which setting is missing.
 */
const UNCONFIGURED_FORMATS = [
  {
    topic: "tele/keller-mt175/SENSOR",
    payload: fixture("tasmota/iskra-mt175.json"),
    reason: /^Tasmota SENSOR: unknown device "keller-mt175": it is not in the Tasmota settings$/,
  },
  {
    topic: "meters/dsmr/am550",
    payload: fixture("dsmr/iskra-am550-dsmr50.txt"),
    reason: /^DSMR telegram: unknown meter: equipment identifier .+ is not in the DSMR settings$/,
  },
  {
    topic: "meters/sml/iskra",
    payload: fixture("sml/iskra.bin"),
    reason: /^SML: unknown meter: server id [0-9a-f]+ is not in the SML settings$/,
  },
  {
    topic: "meters/d0/mt174",
    payload: fixture("d0/iskra-mt174-mode-c.bin"),
    reason: /^D0 readout: unknown meter: .+ not in the D0 settings$/,
  },
  {
    topic: "v3/nachbarstrom-meters@ttn/devices/meter-burtscheid-17/up",
    payload: fixture("lorawan/uplink-wh.json"),
    reason: /^LoRaWAN uplink: unknown device: DevEUI 0004A30B001C0530 is not in the LoRaWAN settings$/,
  },
  {
    topic: "meters/eip712/meter-1",
    payload: fixture("eip712/reading.json"),
    reason: /^signed reading \(EIP-712\): unknown metering point "DE0+12345206600+1": no signer is registered for it$/,
  },
  {
    topic: "meters/ocmf/em1",
    payload: fixture("ocmf/reading.txt"),
    reason: /^OCMF: unknown meter: serial "EM1-0004711" is not in the OCMF settings$/,
  },
];

/** Calls `read` until it returns something, for at most `timeoutMs`. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("startBridge runs the shipped flow in the real Node-RED runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bridge-server-"));
  // No chain in this test: the settle node only reports it as unreachable.
  const deploymentFile = writeUnreachableDeploymentFile(dir);
  let broker: StartBrokerReturnType;
  let bridge: StartBridgeReturnType;
  let client: MqttClient;
  let parameters: StartBridgeParameters;
  const statuses: NodeStatusEvent[] = [];
  const onStatus = (event: NodeStatusEvent) => statuses.push(event);

  /** The next message on `topic` (subscribed already) whose JSON payload passes `match`. */
  function nextMessage(topic: string, match: (json: Record<string, string>) => boolean) {
    return new Promise<Record<string, string>>((resolve) => {
      const listener = (received: string, payload: Buffer) => {
        if (received !== topic) return;
        const json = JSON.parse(payload.toString()) as Record<string, string>;
        if (!match(json)) return;
        client.off("message", listener);
        resolve(json);
      };
      client.on("message", listener);
    });
  }

  before(async () => {
    // Node-RED's event bus outlives RED.init: listening before the start sees every node's first status.
    RED.events.on("node-status", onStatus);
    broker = await startBroker({ port: 0 });
    parameters = {
      port: 0,
      userDir: join(dir, "node-red"),
      mqttUrl: broker.url,
      deploymentFile,
      meterDirectoryFile: writeDirectoryFile(),
      bridgeKey: DEV_KEY,
      ingestTokens: `stadtwerk=${INGEST_TOKEN}`,
      logLevel: "error",
    };
    bridge = await startBridge(parameters);
    client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  });

  after(async () => {
    await client?.endAsync();
    await bridge?.stop();
    await broker?.stop();
    RED.events.off("node-status", onStatus);
  });

  test("starts every node of the shipped flow, none with a configuration error", () => {
    const flow = readFlowFile(SHIPPED_FLOW_FILE);
    for (const node of flow.filter((candidate) => candidate.type !== "tab")) {
      assert.ok(RED.nodes.getNode(node.id), `${node.type} ${node.id} (${String(node.name ?? "")}) runs`);
    }
    // Red is a node's configuration error (or an MQTT node that has not connected yet).
    const failed = statuses.filter(
      (event) => event.status.fill === "red" && !/disconnected/.test(event.status.text ?? ""),
    );
    assert.deepEqual(failed, []);
    const ingest = flow.find((node) => node.type === INGEST_NODE_TYPE);
    const ingestStatus = statuses.findLast((event) => event.id === ingest?.id);
    assert.equal(ingestStatus?.status.text, "POST /nachbarstrom/readings", "the ingest node is enabled and listens");
  });

  test("a bad reading comes back on nachbarstrom/<neighbourhood>/rejected with its reason", async () => {
    await client.subscribeAsync(`nachbarstrom/${HOOD}/rejected`, { qos: 1 });
    const rejected = new Promise<Record<string, string>>((resolve) =>
      client.once("message", (_topic, payload) => resolve(JSON.parse(payload.toString()))),
    );
    const topic = `nachbarstrom/${HOOD}/${MP.a}/reading`;
    await client.publishAsync(topic, "{oops", { qos: 1 });
    const rejection = await rejected;
    assert.match(rejection.reason, /^payload is not valid JSON/);
    assert.equal(rejection.topic, topic);
    assert.equal(rejection.payload, "{oops");
  });

  test("serves the metrics for Prometheus, counting the bad reading by its reason", async () => {
    const response = await fetch(`${bridge.editorUrl}nachbarstrom/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /^nachbarstrom_bridge_readings_rejected_total\{reason="json"\} 1$/m);
    assert.match(text, /^nachbarstrom_bridge_outbox_depth /m);
  });

  test("serves the editor and keeps the bridge key only in the encrypted credentials file", async () => {
    const response = await fetch(`${bridge.editorUrl}flows`, { headers: { accept: "application/json" } });
    assert.equal(response.status, 200);
    const flows = JSON.stringify(await response.json());
    assert.match(flows, /nachbarstrom-settle/);
    const files = ["flows.json", "flows_cred.json"].map((f) => readFileSync(join(parameters.userDir, f), "utf8"));
    for (const text of files) {
      assert.equal(text.includes(DEV_KEY.slice(2)), false);
      assert.equal(text.includes(INGEST_TOKEN), false);
    }
    assert.match(files[1], /^\{\s*"\$":/, "Node-RED encrypted the credentials");
  });

  test("keeps the bridge database in Node-RED's user directory when nothing else is set", async () => {
    const file = join(parameters.userDir, DEFAULT_STORE_FILE_NAME);
    assert.ok(existsSync(file), `${file} exists`);
    const store = await openStore({ location: file });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.at(-1)?.version);
      const { rows } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
      assert.equal(rows[0].journal_mode, "wal");
    } finally {
      await store.close();
    }
  });

  test("every other format's topic reaches its reading node, which names the missing setting", async () => {
    await client.subscribeAsync("nachbarstrom/unknown/rejected", { qos: 1 });
    for (const { topic, payload, reason } of UNCONFIGURED_FORMATS) {
      const rejected = nextMessage("nachbarstrom/unknown/rejected", (json) => json.topic === topic);
      await client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
      const rejection = await rejected;
      assert.match(rejection.reason, reason, topic);
    }
  });

  test("POST /nachbarstrom/readings lands a reading with the token (202) and answers 401 without", async () => {
    const url = `${bridge.editorUrl}nachbarstrom/readings`;
    const unixSeconds = Math.floor(Date.now() / 1000);
    const timestamp = new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
    const body = JSON.stringify([
      { neighbourhood: HOOD, meteringPointId: MP.b, importWh: 4242, exportWh: 17, timestamp },
    ]);
    const post = (authorization?: string) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
        body,
      });
    for (const authorization of [undefined, "Bearer someone-elses-token-0123456789"]) {
      const refused = await post(authorization);
      assert.equal(refused.status, 401, `${authorization ?? "no token"}`);
      await refused.body?.cancel();
    }
    const response = await post(`Bearer ${INGEST_TOKEN}`);
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: 1, rejected: 0, errors: [] });
    // The interval node stores a reading in the bridge database before it acknowledges it.
    const store = await openStore({ location: join(parameters.userDir, DEFAULT_STORE_FILE_NAME) });
    try {
      const row = await eventually(() =>
        store.db
          .selectFrom("readings")
          .select(["neighbourhood", "unix_seconds", "import_wh", "export_wh"])
          .where("metering_point_id", "=", MP.b)
          .executeTakeFirst(),
      );
      // The store reads integers as BigInt.
      assert.deepEqual(
        { ...row },
        { neighbourhood: HOOD, unix_seconds: BigInt(unixSeconds), import_wh: 4242n, export_wh: 17n },
      );
    } finally {
      await store.close();
    }
  });

  test("once the Tasmota node lists the device (as a utility deploys it), its reading reaches the interval node", async () => {
    const api = { "Content-Type": "application/json", "Node-RED-API-Version": "v2" };
    const current = (await (await fetch(`${bridge.editorUrl}flows`, { headers: api })).json()) as {
      rev: string;
      flows: Record<string, unknown>[];
    };
    const tasmota = current.flows.find((node) => node.type === "nachbarstrom-reading" && node.format === "tasmota");
    assert.ok(tasmota);
    tasmota.formatSettings = JSON.stringify({
      tasmota: {
        timeZone: "Europe/Berlin",
        devices: { "keller-mt175": { meteringPointId: MP.a, preset: "iskra-mt175" } },
      },
    });
    const restarted = new Promise((resolve) => RED.events.once("flows:started", resolve));
    const deployed = await fetch(`${bridge.editorUrl}flows`, {
      method: "POST",
      headers: { ...api, "Node-RED-Deployment-Type": "nodes" },
      body: JSON.stringify(current),
    });
    assert.equal(deployed.status, 200);
    await restarted;
    await client.publishAsync("tele/keller-mt175/SENSOR", Buffer.from(fixture("tasmota/iskra-mt175.json")), { qos: 1 });
    const store = await openStore({ location: join(parameters.userDir, DEFAULT_STORE_FILE_NAME) });
    try {
      const row = await eventually(() =>
        store.db
          .selectFrom("readings")
          .select(["neighbourhood", "unix_seconds", "import_wh", "export_wh"])
          .where("metering_point_id", "=", MP.a)
          .executeTakeFirst(),
      );
      // 2026-06-21T10:15:00 in Berlin; E_in 1234.5678 kWh and E_out 23.4 kWh, cut to whole Wh.
      const unixSeconds = BigInt(Date.parse("2026-06-21T08:15:00Z") / 1000);
      assert.deepEqual(
        { ...row },
        { neighbourhood: HOOD, unix_seconds: unixSeconds, import_wh: 1234567n, export_wh: 23400n },
      );
    } finally {
      await store.close();
    }
  });

  test("refuses a second bridge in the same process", async () => {
    await assert.rejects(startBridge(parameters), BridgeStartError);
  });

  test("names a wrong setting before starting anything", async () => {
    await assert.rejects(startBridge({ ...parameters, bridgeKey: "0x1234" }), BridgeConfigurationError);
    await assert.rejects(startBridge({ ...parameters, mqttUrl: "mqtts://broker:8883" }), /Unsupported MQTT URL/);
    await assert.rejects(startBridge({ ...parameters, ingestTokens: "stadtwerk=short" }), (error: Error) => {
      assert.ok(error instanceof BridgeConfigurationError);
      assert.match(
        `${error.message} ${String((error as BridgeConfigurationError).details)}`,
        /Invalid ingestTokens.*"stadtwerk"/s,
      );
      return true;
    });
  });
});
