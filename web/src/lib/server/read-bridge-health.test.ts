import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { fakeBridgeMetrics } from "./fake-bridge-metrics.test-helper.ts";
import { readBridgeHealth, type ReadBridgeHealthParameters } from "./read-bridge-health.ts";

const env = { NACHBARSTROM_BRIDGE_URL: "http://127.0.0.1:1880/" };
const now = () => new Date("2026-11-23T09:15:00Z");
const quiet = () => mock.method(console, "error", () => {});

/** A fetch that records its calls and answers with `respond`. */
function fakeFetch(respond: (url: URL, init: RequestInit) => Promise<Response> | Response) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    calls.push({ url: url.href, headers: init.headers as Record<string, string> });
    return respond(url, init);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const read = (parameters: ReadBridgeHealthParameters) => readBridgeHealth({ env, now, ...parameters });

describe("readBridgeHealth", () => {
  it("reads and summarises the bridge's metrics", async () => {
    const { fetch, calls } = fakeFetch(() => Response.json(fakeBridgeMetrics({ accepted: 8, failed: 1 })));
    const health = await read({ fetch });
    assert.equal(calls[0].url, "http://127.0.0.1:1880/nachbarstrom/metrics.json");
    assert.equal(health.state, "attention");
    assert.ok(health.state === "attention");
    assert.equal(health.figures.readingsAccepted, 8);
    assert.equal(health.source, "http://127.0.0.1:1880/nachbarstrom/metrics.json");
    assert.equal(health.readAt, "2026-11-23T09:15:00.000Z");
  });

  it("keeps a base path and turns user and password into Basic auth, shown nowhere", async () => {
    const { fetch, calls } = fakeFetch(() => Response.json(fakeBridgeMetrics()));
    const health = await read({ fetch, env: { NACHBARSTROM_BRIDGE_URL: "https://ops:s%3Acret@bridge.example/api" } });
    assert.equal(calls[0].url, "https://bridge.example/api/nachbarstrom/metrics.json");
    assert.equal(calls[0].headers.authorization, `Basic ${Buffer.from("ops:s:cret").toString("base64")}`);
    assert.ok(health.state === "healthy");
    assert.doesNotMatch(JSON.stringify(health), /cret/);
  });

  it("is not configured without a valid http URL", async () => {
    const { fetch, calls } = fakeFetch(() => Response.json([]));
    assert.deepEqual(await read({ fetch, env: {} }), {
      state: "not-configured",
      problem: "unset",
      details: "NACHBARSTROM_BRIDGE_URL is not set",
    });
    const invalid = await read({ fetch, env: { NACHBARSTROM_BRIDGE_URL: "ftp://user:pw@bridge" } });
    assert.equal(invalid.state, "not-configured");
    assert.ok(invalid.state === "not-configured" && invalid.problem === "invalid-url");
    assert.doesNotMatch(invalid.details, /pw/);
    assert.equal(calls.length, 0);
  });

  it("is unreachable when the connection fails", async (t) => {
    quiet();
    t.after(() => mock.restoreAll());
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1880"), { code: "ECONNREFUSED" });
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError("fetch failed", { cause: refused })));
    const health = await read({ fetch });
    assert.ok(health.state === "unreachable");
    assert.equal(health.problem, "network");
    assert.equal(health.details, "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1880");
    assert.equal(health.readAt, "2026-11-23T09:15:00.000Z");
  });

  it("is unreachable when the bridge does not answer in time", async (t) => {
    quiet();
    t.after(() => mock.restoreAll());
    const { fetch } = fakeFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason))),
    );
    const health = await read({ fetch, timeoutMs: 20 });
    assert.ok(health.state === "unreachable");
    assert.equal(health.problem, "timeout");
    assert.equal(health.details, "no answer within 20 ms");
  });

  it("is unreachable when the bridge answers with an error, not JSON or the wrong JSON", async (t) => {
    quiet();
    t.after(() => mock.restoreAll());
    const notFound = await read({ fetch: fakeFetch(() => new Response("no", { status: 404 })).fetch });
    assert.ok(notFound.state === "unreachable" && notFound.problem === "http-status");
    assert.equal(notFound.httpStatus, 404);

    const html = await read({ fetch: fakeFetch(() => new Response("<html>")).fetch });
    assert.ok(html.state === "unreachable" && html.problem === "not-json");

    const wrong = await read({ fetch: fakeFetch(() => Response.json({ ok: true })).fetch });
    assert.ok(wrong.state === "unreachable" && wrong.problem === "invalid");
    assert.match(wrong.details, /\(root\): expected an array of metrics/);
  });
});
