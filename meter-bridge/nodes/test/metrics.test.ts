import assert from "node:assert/strict";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, test } from "node:test";
import { HOOD, MP, T0, writeDirectoryFile } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

const TOPIC = `nachbarstrom/${HOOD}/${MP.a}/reading`;
const json = (importWh: unknown, exportWh: unknown, seconds: number) =>
  JSON.stringify({ importWh, exportWh, timestamp: new Date((T0 + seconds) * 1000).toISOString() });

/**
 * GET of a path on the runtime's RED.httpNode app, where the endpoint lives. (helper.request()
 * reaches only RED.httpAdmin, the editor's app, so the test serves the node app itself.)
 */
async function get(app: RequestListener, path: string) {
  const server = createServer(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
  } finally {
    server.close();
  }
}

describe("GET /nachbarstrom/metrics", () => {
  const meters = writeDirectoryFile();
  let harness: Harness;
  let httpNode: RequestListener;
  /** Loaded with the nodes, to get hold of the runtime's RED.httpNode. */
  const grabHttpNode = (RED: { httpNode: RequestListener }) => {
    httpNode = RED.httpNode;
  };

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  test("counts a valid and an invalid reading of the reading node, the invalid one by its reason", async () => {
    harness = await loadNode([nodeModule("reading"), grabHttpNode], {
      id: "reading",
      type: "nachbarstrom-reading",
      meters,
      outputs: 2,
    });
    harness.send({ topic: TOPIC, payload: json(1000, 10, 15) });
    harness.send({ topic: TOPIC, payload: "1000;10" });
    await harness.waitForMessages(2);

    const { status, type, text } = await get(httpNode, "/nachbarstrom/metrics");
    assert.equal(status, 200);
    assert.match(type, /^text\/plain;.*version=0\.0\.4/);
    assert.match(text, /^nachbarstrom_bridge_messages_received_total 2$/m);
    assert.match(text, /^nachbarstrom_bridge_readings_accepted_total 1$/m);
    assert.match(text, /^nachbarstrom_bridge_readings_rejected_total\{reason="json"\} 1$/m);
    assert.match(text, /^nachbarstrom_bridge_readings_rejected_total\{reason="schema"\} 0$/m);
    assert.match(text, /^nachbarstrom_bridge_readings_duplicate_total 0$/m);

    const asJson = await get(httpNode, "/nachbarstrom/metrics.json");
    assert.equal(asJson.status, 200);
    assert.match(asJson.type, /^application\/json/);
    const metrics = JSON.parse(asJson.text) as { name: string; values: { value: number; labels: object }[] }[];
    const values = (name: string) => metrics.find((m) => m.name === `nachbarstrom_bridge_${name}`)?.values;
    assert.deepEqual(values("readings_accepted_total"), [{ value: 1, labels: {} }]);
    assert.deepEqual(
      values("readings_rejected_total")?.find((v) => v.value > 0),
      { value: 1, labels: { reason: "json" } },
    );
  });
});
