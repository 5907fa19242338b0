/**
 * The nachbarstrom-mqtt-in node with Node-RED's own MQTT broker config node and a real (embedded) broker:
 * every message is in the inbox before it is passed on, and what the flow did not finish comes again.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import mqtt from "mqtt";
import { startBroker, type StartBrokerReturnType } from "../../src/broker.ts";
import { createInbox } from "../../src/inbox.ts";
import { openStore } from "../../src/store.ts";
import { HOOD, MP, tempDir } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

const require = createRequire(import.meta.url);
const mqttNodes = require("@node-red/nodes/core/network/10-mqtt.js") as unknown;
const TOPIC = `nachbarstrom/${HOOD}/${MP.a}/reading`;

describe("nachbarstrom-mqtt-in node", () => {
  let broker: StartBrokerReturnType;
  let harness: Harness;

  before(async () => {
    await helper.startServer();
    broker = await startBroker({ port: 0 });
  });
  after(async () => {
    await broker.stop();
    await helper.stopServer();
  });
  afterEach(() => helper.unload());

  async function load(database: string) {
    const port = Number(new URL(broker.url).port);
    harness = await loadNode(
      [mqttNodes, nodeModule("mqtt-in")],
      {
        id: "in",
        type: "nachbarstrom-mqtt-in",
        broker: "broker",
        topic: "nachbarstrom/+/+/reading",
        database,
        outputs: 1,
      },
      [
        {
          id: "broker",
          type: "mqtt-broker",
          broker: "127.0.0.1",
          port,
          clientid: "mqtt-in-test",
          cleansession: false,
          protocolVersion: 4,
          autoConnect: true,
          keepalive: 60,
        },
      ],
    );
  }

  test("stores each message before passing it on, and sends unfinished ones again at the next start", async () => {
    const database = join(tempDir(), "bridge.db");
    await load(database);
    const meter = await mqtt.connectAsync(broker.url, { clientId: "mqtt-in-test-meter" });
    try {
      // The bridge's subscription is there once a first message gets through.
      for (let i = 0; harness.outputs[0].length === 0 && i < 100; i++) {
        await meter.publishAsync(TOPIC, '{"first":true}', { qos: 1 });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sent = harness.outputs[0].length;
      await meter.publishAsync(TOPIC, '{"importWh":5}', { qos: 1 });
      await harness.waitForMessages(sent + 1);
    } finally {
      await meter.endAsync();
    }
    const last = harness.outputs[0].at(-1) as {
      topic: string;
      payload: unknown;
      _inbox: { store: string; id: number };
    };
    assert.equal(last.topic, TOPIC);
    assert.equal(last.payload, '{"importWh":5}', "a UTF-8 string, as configured");
    assert.equal(last._inbox.store, database);

    const peek = createInbox(await openStore({ location: database }));
    const stored = await peek.pending("in");
    await peek.close();
    assert.equal(stored.at(-1)?.id, last._inbox.id, "in the inbox under the node's id");
    assert.equal(new TextDecoder().decode(stored.at(-1)?.payload), '{"importWh":5}');

    // Nothing downstream handled them: the flow stops, starts again, and they come again, oldest first.
    await helper.unload();
    await load(database);
    await harness.waitForMessages(stored.length);
    assert.deepEqual(
      harness.outputs[0].map((m) => (m as { _inbox: { id: number } })._inbox.id),
      stored.map((m) => m.id),
    );
  });
});
