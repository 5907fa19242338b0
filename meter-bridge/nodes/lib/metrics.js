"use strict";
/**
 * The bridge's Prometheus metrics of one Node-RED runtime (../../src/metrics.ts), served at
 * GET <httpNodeRoot>/nachbarstrom/metrics in the Prometheus text format. On RED.httpNode, not
 * RED.httpAdmin: a Prometheus server scrapes it like any HTTP-in endpoint, guarded by httpNodeAuth
 * (basic auth, which Prometheus speaks) when that is set, without editor credentials or tokens.
 */

const METRICS_PATH = "/nachbarstrom/metrics";

/** Shared by every node of the package in one runtime; its key is the runtime's HTTP node app. */
const fallbackKey = {};
const served = new WeakSet();

async function runtimeMetrics(RED) {
  const { bridgeMetrics } = await import("../../src/metrics.ts");
  const app = RED.httpNode;
  const metrics = bridgeMetrics(app ?? fallbackKey);
  if (app && typeof app.get === "function" && !served.has(app)) {
    served.add(app);
    app.get(METRICS_PATH, (req, res) => {
      metrics.text().then(
        (text) => res.set("Content-Type", metrics.contentType).send(text),
        (error) => res.status(500).type("text/plain").send(String(error)),
      );
    });
  }
  return metrics;
}

module.exports = { METRICS_PATH, runtimeMetrics };
