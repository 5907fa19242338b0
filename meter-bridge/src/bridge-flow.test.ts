import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  INGEST_NODE_TYPE,
  SHIPPED_FLOW_FILE,
  enableIngest,
  prepareFlow,
  readFlowFile,
  type FlowNode,
} from "./bridge-flow.ts";
import { formatConfig } from "./decode-reading.ts";

const flow = readFlowFile(SHIPPED_FLOW_FILE);
const byType = (type: string) => flow.filter((node) => node.type === type);
const one = (type: string): FlowNode => {
  const nodes = byType(type);
  assert.equal(nodes.length, 1, `one ${type} node`);
  return nodes[0];
};
const wires = (node: FlowNode) => node.wires as string[][];

/** Each MQTT input of the shipped flow: its topic, the payload type it delivers, the reading node's format. */
const INPUTS = [
  { topic: "nachbarstrom/+/+/reading", datatype: "utf8", format: "plain-json" },
  { topic: "tele/+/SENSOR", datatype: "utf8", format: "tasmota" },
  { topic: "meters/dsmr/+", datatype: "buffer", format: "dsmr" },
  { topic: "meters/sml/+", datatype: "buffer", format: "sml" },
  { topic: "meters/d0/+", datatype: "buffer", format: "d0" },
  { topic: "v3/+/devices/+/up", datatype: "utf8", format: "lorawan" },
  { topic: "meters/eip712/+", datatype: "utf8", format: "eip712" },
  { topic: "meters/ocmf/+", datatype: "utf8", format: "ocmf" },
] as const;

const byId = (id: string): FlowNode => {
  const node = flow.find((candidate) => candidate.id === id);
  assert.ok(node, `node ${id} exists`);
  return node;
};

describe("the shipped flow", () => {
  for (const { topic, datatype, format } of INPUTS) {
    test(`subscribes to ${topic} through the inbox and feeds a reading node for ${format}`, () => {
      const inputs = byType("nachbarstrom-mqtt-in").filter((node) => node.topic === topic);
      assert.equal(inputs.length, 1, `one nachbarstrom-mqtt-in for ${topic}`);
      assert.equal(byType("mqtt in").length, 0, "no input that acknowledges before storing");
      const [input] = inputs;
      assert.equal(input.datatype, datatype);
      assert.equal(input.broker, one("mqtt-broker").id);
      assert.equal(wires(input).length, 1);
      assert.equal(wires(input)[0].length, 1);
      const reading = byId(wires(input)[0][0]);
      assert.equal(reading.type, "nachbarstrom-reading");
      assert.equal(reading.format, format);
    });
  }

  test("has one reading node per format, each starting with its own settings section", () => {
    const readings = byType("nachbarstrom-reading");
    assert.deepEqual(readings.map((node) => node.format).sort(), INPUTS.map((input) => input.format).sort());
    for (const node of readings) {
      const { format, settings } = formatConfig(String(node.format), String(node.formatSettings));
      assert.equal(node.meters, "", "NACHBARSTROM_METERS applies");
      // With its section present but no device in it, a format rejects "unknown device …", not "no settings".
      if (format !== "plain-json") assert.deepEqual(Object.keys(settings), [format]);
    }
  });

  test("runs every reading node into one interval → settle and every rejection to mqtt out", () => {
    const mqttOut = one("mqtt out");
    assert.equal(mqttOut.topic, "", "the topic comes from the message");
    for (const node of byType("nachbarstrom-reading")) {
      assert.deepEqual(wires(node), [[one("nachbarstrom-interval").id], [mqttOut.id]], `${String(node.name)}`);
    }
    assert.deepEqual(wires(one("nachbarstrom-interval")), [[one("nachbarstrom-settle").id], [mqttOut.id]]);
    assert.equal(one("nachbarstrom-settle").chain, one("nachbarstrom-chain").id);
  });

  test("has the HTTP ingest node on the plain JSON reading node, disabled until it has tokens", () => {
    const ingest = one(INGEST_NODE_TYPE);
    const plain = byType("nachbarstrom-reading").find((node) => node.format === "plain-json");
    assert.equal(ingest.path, "/nachbarstrom/readings");
    assert.deepEqual(wires(ingest), [[plain?.id]]);
    assert.equal(ingest.d, true);
  });

  test("takes the broker from the environment and keeps no secret in the flow", () => {
    const broker = one("mqtt-broker");
    assert.equal(broker.broker, "${MQTT_HOST}");
    assert.equal(broker.port, "${MQTT_PORT}");
    assert.equal(JSON.stringify(flow).includes("credentials"), false);
    assert.equal(one("nachbarstrom-chain").deploymentFile, "", "NACHBARSTROM_DEPLOYMENT applies");
  });

  test("explains every input in a comment and places no two nodes on one spot", () => {
    const comments = byType("comment").map((node) => `${String(node.name)} ${String(node.info)}`);
    const shown = (topic: string) => topic.replace(/\+/g, "");
    for (const { topic, format } of INPUTS) {
      const parts = shown(topic).split("/").filter(Boolean);
      assert.ok(
        comments.some((text) => parts.every((part) => text.includes(part))),
        `a comment names ${topic} (${format})`,
      );
    }
    assert.ok(comments.some((text) => text.includes("POST /nachbarstrom/readings")));
    const onTab = flow.filter((node) => node.z === one("tab").id);
    const spots = onTab.map((node) => `${String(node.x)},${String(node.y)}`);
    assert.ok(onTab.every((node) => typeof node.x === "number" && typeof node.y === "number"));
    assert.equal(new Set(spots).size, spots.length);
  });
});

describe("enableIngest", () => {
  test("enables the ingest node and points its tokens at the environment variable", () => {
    const { flow: enabled, nodeCredentials } = enableIngest(flow);
    const ingest = enabled.find((node) => node.type === INGEST_NODE_TYPE);
    assert.equal(ingest?.d, false);
    assert.deepEqual(nodeCredentials, { [String(ingest?.id)]: { tokens: "${NACHBARSTROM_INGEST_TOKENS}" } });
    assert.equal(one(INGEST_NODE_TYPE).d, true, "the flow it was given is unchanged");
  });
});

describe("prepareFlow", () => {
  test("puts settings into Node-RED's global environment and secrets into its credentials", () => {
    const { flows, credentials } = prepareFlow({
      flow,
      env: { MQTT_HOST: "127.0.0.1", MQTT_PORT: "1883" },
      secrets: { NACHBARSTROM_BRIDGE_KEY: "0xkey" },
    });
    const global = flows.filter((node) => node.type === "global-config");
    assert.equal(global.length, 1);
    assert.deepEqual(global[0].env, [
      { name: "MQTT_HOST", value: "127.0.0.1", type: "str" },
      { name: "MQTT_PORT", value: "1883", type: "str" },
      { name: "NACHBARSTROM_BRIDGE_KEY", value: "", type: "cred" },
    ]);
    assert.deepEqual(credentials, { [global[0].id]: { map: { NACHBARSTROM_BRIDGE_KEY: "0xkey" } } });
    assert.equal(JSON.stringify(flows).includes("0xkey"), false);
    assert.equal(flows.length, flow.length + 1);
  });

  test("adds the credentials of single nodes next to the global environment's", () => {
    const { flows, credentials } = prepareFlow({
      flow: [{ id: "ingest", type: INGEST_NODE_TYPE }],
      env: {},
      secrets: { NACHBARSTROM_INGEST_TOKENS: "stadtwerk=0123456789abcdef" },
      nodeCredentials: { ingest: { tokens: "${NACHBARSTROM_INGEST_TOKENS}" } },
    });
    const global = flows.find((node) => node.type === "global-config");
    assert.deepEqual(credentials, {
      ingest: { tokens: "${NACHBARSTROM_INGEST_TOKENS}" },
      [String(global?.id)]: { map: { NACHBARSTROM_INGEST_TOKENS: "stadtwerk=0123456789abcdef" } },
    });
  });

  test("keeps a flow's own global environment entries unless the launcher sets them", () => {
    const own: FlowNode = {
      id: "g",
      type: "global-config",
      env: [
        { name: "TZ", value: "Europe/Berlin", type: "str" },
        { name: "MQTT_HOST", value: "old", type: "str" },
      ],
    };
    const { flows } = prepareFlow({ flow: [own], env: { MQTT_HOST: "new" }, secrets: {} });
    assert.deepEqual(flows, [
      {
        id: "g",
        type: "global-config",
        modules: {},
        env: [
          { name: "TZ", value: "Europe/Berlin", type: "str" },
          { name: "MQTT_HOST", value: "new", type: "str" },
        ],
      },
    ]);
  });
});
