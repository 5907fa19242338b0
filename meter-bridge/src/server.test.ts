import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { startBroker, type StartBrokerReturnType } from "./broker.ts";
import { BridgeConfigurationError, BridgeStartError } from "./errors.ts";
import { startBridge, type StartBridgeParameters, type StartBridgeReturnType } from "./server.ts";
import { openStore } from "./store.ts";
import { DEFAULT_STORE_FILE_NAME } from "./store-file.ts";
import { MIGRATIONS } from "./store-schema.ts";
import { HOOD, MP, writeDirectoryFile, writeUnreachableDeploymentFile } from "./test-fixtures.ts";

/** Hardhat's well-known development account 1: public, for tests only. */
const DEV_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("startBridge runs the shipped flow in the real Node-RED runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-bridge-server-"));
  // No chain in this test: the settle node only reports it as unreachable.
  const deploymentFile = writeUnreachableDeploymentFile(dir);
  let broker: StartBrokerReturnType;
  let bridge: StartBridgeReturnType;
  let client: MqttClient;
  let parameters: StartBridgeParameters;

  before(async () => {
    broker = await startBroker({ port: 0 });
    parameters = {
      port: 0,
      userDir: join(dir, "node-red"),
      mqttUrl: broker.url,
      deploymentFile,
      meterDirectoryFile: writeDirectoryFile(),
      bridgeKey: DEV_KEY,
      logLevel: "error",
    };
    bridge = await startBridge(parameters);
    client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  });

  after(async () => {
    await client?.endAsync();
    await bridge?.stop();
    await broker?.stop();
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
    for (const text of files) assert.equal(text.includes(DEV_KEY.slice(2)), false);
    assert.match(files[1], /^\{\s*"\$":/, "Node-RED encrypted the credentials");
  });

  test("keeps the bridge database in Node-RED's user directory when nothing else is set", () => {
    const file = join(parameters.userDir, DEFAULT_STORE_FILE_NAME);
    assert.ok(existsSync(file), `${file} exists`);
    const store = openStore({ file });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.at(-1)?.version);
      assert.equal(store.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    } finally {
      store.close();
    }
  });

  test("refuses a second bridge in the same process", async () => {
    await assert.rejects(startBridge(parameters), BridgeStartError);
  });

  test("names a wrong setting before starting anything", async () => {
    await assert.rejects(startBridge({ ...parameters, bridgeKey: "0x1234" }), BridgeConfigurationError);
    await assert.rejects(startBridge({ ...parameters, mqttUrl: "mqtts://broker:8883" }), /Unsupported MQTT URL/);
  });
});
