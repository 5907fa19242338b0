/**
 * The http ingest node in the Node-RED runtime of node-red-node-test-helper. helper.request() (0.3.6)
 * talks to the helper's httpAdmin app, whose JSON body parser would read the body first; the node's
 * route is on RED.httpNode, so the test captures that app and serves it on a local port instead.
 */
import assert from "node:assert/strict";
import { createServer, type RequestListener, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, test } from "node:test";
import { join } from "node:path";
import { HOOD, MP, tempDir } from "../../src/test-fixtures.ts";
import { helper, loadNode, type Harness } from "./flow-harness.ts";

const require = createRequire(import.meta.url);
const ingestModule = require("../http-ingest.js") as (red: { httpNode: RequestListener }) => Promise<void>;
const TOKEN = "stadtwerke-token-0123456789";
const PATH = "/ingest/readings";

let httpNode: RequestListener | undefined;
/** The node module, noting the httpNode app the runtime hands it. */
const capturing = (red: { httpNode: RequestListener }) => {
  httpNode = red.httpNode;
  return ingestModule(red);
};

const item = (meteringPointId: string, importWh: unknown) => ({
  neighbourhood: HOOD,
  meteringPointId,
  importWh,
  exportWh: 0,
  timestamp: "2026-11-23T10:15:00Z",
});

describe("nachbarstrom-http-ingest node", () => {
  let harness: Harness;
  let server: Server | undefined;
  let base: string;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function load(config: Record<string, unknown> = {}, tokens = `stadtwerke=${TOKEN}`) {
    harness = await loadNode(
      [capturing],
      {
        id: "ingest",
        type: "nachbarstrom-http-ingest",
        path: PATH,
        maxReadings: 3,
        maxKb: 1,
        database: ":memory:",
        outputs: 1,
        ...config,
      },
      [],
      { ingest: { tokens } },
    );
    assert.ok(httpNode, "the runtime handed the node an httpNode app");
    const app = httpNode;
    server = createServer((req, res) => app(req, res));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const post = (body: unknown, token: string | null = TOKEN, path = PATH) =>
    fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  test("202: one message per reading, as the MQTT input emits it", async () => {
    await load();
    const res = await post([item(MP.a, 1000), item(MP.b, 2000)]);
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 2, rejected: 0, errors: [] });
    await harness.waitForMessages(2);
    const [first, second] = harness.outputs[0];
    assert.equal(first.topic, `nachbarstrom/${HOOD}/${MP.a}/reading`);
    assert.equal(first.payload, JSON.stringify({ importWh: 1000, exportWh: 0, timestamp: "2026-11-23T10:15:00Z" }));
    assert.equal(first.operator, "stadtwerke");
    assert.equal(second.topic, `nachbarstrom/${HOOD}/${MP.b}/reading`);
  });

  test("a 202 means stored: readings not yet handled are sent again when the node starts again", async () => {
    const database = join(tempDir(), "bridge.db");
    await load({ database });
    const res = await post([item(MP.a, 1000), item(MP.b, 2000)]);
    assert.equal(res.status, 202);
    await harness.waitForMessages(2);
    assert.deepEqual(
      harness.outputs[0].map((m) => (m as { _inbox?: { store: string } })._inbox?.store),
      [database, database],
    );
    // The flow stops before any interval node stored them (nothing is wired to handle them here).
    await helper.unload();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await load({ database });
    await harness.waitForMessages(2);
    assert.deepEqual(
      harness.outputs[0].map((m) => m.topic),
      [`nachbarstrom/${HOOD}/${MP.a}/reading`, `nachbarstrom/${HOOD}/${MP.b}/reading`],
      "the same readings, in the order they came",
    );
  });

  test("400: bad items are named, the good ones still pass", async () => {
    await load();
    const res = await post([item(MP.a, -1), item(MP.b, 5)]);
    assert.equal(res.status, 400);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      errors: { index: number; reason: string }[];
    };
    assert.equal(body.accepted, 1);
    assert.equal(body.rejected, 1);
    assert.equal(body.errors[0].index, 0);
    assert.match(body.errors[0].reason, /^importWh: /);
    await harness.waitForMessages(1);
    assert.equal(harness.outputs[0][0].topic, `nachbarstrom/${HOOD}/${MP.b}/reading`);
    const notArray = await post({ readings: [] });
    assert.equal(notArray.status, 400);
    await notArray.body?.cancel();
  });

  test("401: without a token or with a wrong one", async () => {
    await load();
    for (const token of [null, "someone-elses-token-0123"]) {
      const res = await post([item(MP.a, 1)], token);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    assert.equal(harness.outputs[0].length, 0);
  });

  test("413: a body over the size limit or more readings than allowed", async () => {
    await load();
    const big = await post(`[${" ".repeat(2000)}]`);
    assert.equal(big.status, 413);
    await big.body?.cancel();
    const many = await post([1, 2, 3, 4].map((i) => item(MP.a, i)));
    assert.equal(many.status, 413);
    await many.body?.cancel();
    assert.equal(harness.outputs[0].length, 0);
  });

  test("the default path, and the route is gone after the flow stops", async () => {
    await load({ path: "" });
    const res = await post([item(MP.a, 1)], TOKEN, "/nachbarstrom/readings");
    assert.equal(res.status, 202);
    await res.body?.cancel();
    await helper.unload();
    const gone = await post([item(MP.a, 1)], TOKEN, "/nachbarstrom/readings");
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
  });

  test("without tokens the node reports a configuration error and registers no route", async () => {
    await load({}, "");
    assert.match(String(harness.errors[0]), /noTokens|no tokens/);
    const res = await post([item(MP.a, 1)]);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});
