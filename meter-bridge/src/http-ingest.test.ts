import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  authenticate,
  createIngestHandler,
  IngestConfigError,
  parseTokens,
  splitBatch,
  type IngestMessage,
  type IngestOutcome,
} from "./http-ingest.ts";
import { HOOD, MP } from "./test-fixtures.ts";

const TOKEN_A = "a".repeat(32);
const TOKEN_B = "operator-b-secret-token";
const tokens = parseTokens(`stadtwerke=${TOKEN_A}\nmessstelle-b = ${TOKEN_B}`);
const item = (meteringPointId: string, importWh: unknown, extra: Record<string, unknown> = {}) => ({
  neighbourhood: HOOD,
  meteringPointId,
  importWh,
  exportWh: 0,
  timestamp: "2026-11-23T10:15:00Z",
  ...extra,
});

describe("http ingest: tokens", () => {
  test("maps each token to its operator", () => {
    assert.deepEqual(
      tokens.map((t) => t.operator),
      ["stadtwerke", "messstelle-b"],
    );
    assert.equal(parseTokens("").length, 0);
    assert.equal(parseTokens(`x=${TOKEN_A};y=${TOKEN_B}`).length, 2);
  });

  test("refuses malformed entries, short tokens and a token given twice", () => {
    assert.throws(() => parseTokens("no-equals-sign"), IngestConfigError);
    assert.throws(() => parseTokens("=abc"), IngestConfigError);
    assert.throws(() => parseTokens("short=abc"), /at least 16 characters/);
    assert.throws(() => parseTokens(`a=${TOKEN_A}\nb=${TOKEN_A}`), /given twice/);
  });

  test("authenticates a bearer token and nothing else", () => {
    assert.equal(authenticate(`Bearer ${TOKEN_A}`, tokens), "stadtwerke");
    assert.equal(authenticate(`bearer ${TOKEN_B}`, tokens), "messstelle-b");
    assert.equal(authenticate(undefined, tokens), undefined);
    assert.equal(authenticate("", tokens), undefined);
    assert.equal(authenticate(`Basic ${TOKEN_A}`, tokens), undefined);
    assert.equal(authenticate(`Bearer ${TOKEN_A}x`, tokens), undefined);
    assert.equal(authenticate(`Bearer ${TOKEN_A.slice(1)}`, tokens), undefined);
    assert.equal(authenticate("Bearer ", tokens), undefined);
    assert.equal(authenticate(`Bearer ${TOKEN_A}`, []), undefined);
  });
});

describe("http ingest: splitting a batch", () => {
  test("turns each item into the message the MQTT input would deliver", () => {
    const { messages, errors } = splitBatch([item(MP.a, 1000), item(MP.b, 2000)], "stadtwerke");
    assert.deepEqual(errors, []);
    assert.deepEqual(messages, [
      {
        topic: `nachbarstrom/${HOOD}/${MP.a}/reading`,
        payload: JSON.stringify({ importWh: 1000, exportWh: 0, timestamp: "2026-11-23T10:15:00Z" }),
        operator: "stadtwerke",
      },
      {
        topic: `nachbarstrom/${HOOD}/${MP.b}/reading`,
        payload: JSON.stringify({ importWh: 2000, exportWh: 0, timestamp: "2026-11-23T10:15:00Z" }),
        operator: "stadtwerke",
      },
    ]);
  });

  test("names the index and reason of each bad item and keeps the good ones", () => {
    const { messages, errors } = splitBatch(
      [
        item(MP.a, 1000),
        item(MP.a, -1),
        "text",
        item("bad id!", 5),
        { ...item(MP.b, 5), neighbourhood: 7 },
        item(MP.b, 5, { extra: true }),
        { meteringPointId: MP.a, importWh: 1, exportWh: 0, timestamp: "2026-11-23T10:15:00Z" },
        item(MP.b, 3000),
      ],
      "op",
    );
    assert.deepEqual(
      messages.map((m) => m.topic),
      [`nachbarstrom/${HOOD}/${MP.a}/reading`, `nachbarstrom/${HOOD}/${MP.b}/reading`],
    );
    assert.deepEqual(
      errors.map((e) => e.index),
      [1, 2, 3, 4, 5, 6],
    );
    assert.match(errors[0].reason, /^importWh: .*\(got -1\)$/);
    assert.equal(errors[1].reason, "item is not a JSON object");
    assert.match(errors[2].reason, /^topic .* is not nachbarstrom/);
    assert.equal(errors[3].reason, "neighbourhood: expected a string (got 7)");
    assert.match(errors[4].reason, /extra/);
    assert.equal(errors[5].reason, "neighbourhood: expected a string (got nothing)");
  });

  test("refuses a body that is not an array, and a batch that is too large", () => {
    assert.throws(() => splitBatch({ readings: [] }, "op"), { status: 400 });
    assert.throws(
      () =>
        splitBatch(
          Array.from({ length: 3 }, () => item(MP.a, 1)),
          "op",
          2,
        ),
      { status: 413 },
    );
    assert.deepEqual(splitBatch([], "op"), { messages: [], errors: [] });
  });
});

describe("http ingest: request handler", () => {
  let server: Server;
  let url: string;
  const emitted: IngestMessage[] = [];
  const outcomes: IngestOutcome[] = [];

  before(async () => {
    const handle = createIngestHandler({
      tokens,
      maxBytes: 2000,
      maxReadings: 5,
      emit: (m) => void emitted.push(m),
      onResult: (o) => outcomes.push(o),
    });
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string, token?: string) =>
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body,
    });

  test("202 with counts when every reading is accepted", async () => {
    emitted.length = 0;
    const res = await post(JSON.stringify([item(MP.a, 1), item(MP.b, 2)]), TOKEN_A);
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 2, rejected: 0, errors: [] });
    assert.equal(emitted.length, 2);
    assert.deepEqual(outcomes.at(-1), { status: 202, operator: "stadtwerke", accepted: 2, rejected: 0 });
  });

  test("401 without a token or with a wrong one, nothing emitted", async () => {
    emitted.length = 0;
    for (const token of [undefined, "x".repeat(32)]) {
      const res = await post(JSON.stringify([item(MP.a, 1)]), token);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
      await res.body?.cancel();
    }
    assert.equal(emitted.length, 0);
  });

  test("400 for bad JSON, and per item for bad items while the good ones pass", async () => {
    const bad = await post("[{", TOKEN_B);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^body is not valid JSON/);
    emitted.length = 0;
    const res = await post(JSON.stringify([item(MP.a, 1), item(MP.a, "x")]), TOKEN_B);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { accepted: number; rejected: number; errors: { index: number }[] };
    assert.equal(body.accepted, 1);
    assert.equal(body.rejected, 1);
    assert.equal(body.errors[0].index, 1);
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0].operator, "messstelle-b");
  });

  test("413 for a body over the byte limit or a batch over the reading limit", async () => {
    emitted.length = 0;
    const big = await post(JSON.stringify([item(MP.a, 1, { pad: "x".repeat(3000) })]), TOKEN_A);
    assert.equal(big.status, 413);
    await big.body?.cancel();
    const many = await post(JSON.stringify(Array.from({ length: 6 }, (_, i) => item(MP.a, i))), TOKEN_A);
    assert.equal(many.status, 413);
    await many.body?.cancel();
    assert.equal(emitted.length, 0);
  });
});
