"use strict";
/**
 * The bridge's Prometheus metrics of one Node-RED runtime (../../src/metrics.ts), served at
 * GET <httpNodeRoot>/nachbarstrom/metrics in the Prometheus text format (and as JSON at metrics.json). On RED.httpNode, not
 * RED.httpAdmin: a Prometheus server scrapes it like any HTTP-in endpoint, guarded by httpNodeAuth
 * (basic auth, which Prometheus speaks) when that is set, without editor credentials or tokens.
 */

const METRICS_PATH = "/nachbarstrom/metrics";
/** The same metrics as prom-client's JSON (name, help, type, values[{ value, labels }]), for the operator console. */
const METRICS_JSON_PATH = "/nachbarstrom/metrics.json";

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
    app.get(METRICS_JSON_PATH, (req, res) => {
      metrics.registry.getMetricsAsJSON().then(
        (json) => res.set("Cache-Control", "no-store").json(json),
        (error) => res.status(500).type("text/plain").send(String(error)),
      );
    });
  }
  return metrics;
}

module.exports = { METRICS_JSON_PATH, METRICS_PATH, runtimeMetrics };
