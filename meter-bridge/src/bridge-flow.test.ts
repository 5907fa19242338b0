import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SHIPPED_FLOW_FILE, prepareFlow, readFlowFile, type FlowNode } from "./bridge-flow.ts";

const flow = readFlowFile(SHIPPED_FLOW_FILE);
const byType = (type: string) => flow.filter((node) => node.type === type);
const one = (type: string): FlowNode => {
  const nodes = byType(type);
  assert.equal(nodes.length, 1, `one ${type} node`);
  return nodes[0];
};
const wires = (node: FlowNode) => node.wires as string[][];

describe("the shipped flow", () => {
  test("subscribes with QoS 1 to every reading topic and feeds the reading node", () => {
    const mqttIn = one("mqtt in");
    assert.equal(mqttIn.topic, "nachbarstrom/+/+/reading");
    assert.equal(mqttIn.qos, "1");
    assert.deepEqual(wires(mqttIn), [[one("nachbarstrom-reading").id]]);
  });

  test("runs reading → interval → settle and sends both kinds of rejection to mqtt out", () => {
    const mqttOut = one("mqtt out");
    assert.equal(mqttOut.topic, "", "the topic comes from the message");
    assert.deepEqual(wires(one("nachbarstrom-reading")), [[one("nachbarstrom-interval").id], [mqttOut.id]]);
    assert.deepEqual(wires(one("nachbarstrom-interval")), [[one("nachbarstrom-settle").id], [mqttOut.id]]);
    assert.equal(one("nachbarstrom-settle").chain, one("nachbarstrom-chain").id);
  });

  test("takes the broker from the environment and keeps no secret in the flow", () => {
    const broker = one("mqtt-broker");
    assert.equal(broker.broker, "${MQTT_HOST}");
    assert.equal(broker.port, "${MQTT_PORT}");
    assert.equal(JSON.stringify(flow).includes("credentials"), false);
    assert.equal(one("nachbarstrom-chain").deploymentFile, "", "NACHBARSTROM_DEPLOYMENT applies");
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
