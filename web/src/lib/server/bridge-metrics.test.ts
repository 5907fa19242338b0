import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BridgeMetricsInvalidError, parseBridgeMetrics } from "./bridge-metrics.ts";
import { fakeBridgeMetrics } from "./fake-bridge-metrics.test-helper.ts";

/** Asserts that `json` is rejected with a message whose details match `details`. */
function rejects(json: unknown, details: RegExp): void {
  assert.throws(
    () => parseBridgeMetrics(json),
    (error: unknown) => {
      assert.ok(error instanceof BridgeMetricsInvalidError, String(error));
      assert.match(error.details ?? "", details);
      return true;
    },
  );
}

/** The fake payload with one metric changed by `change`. */
function withMetric(name: string, change: (metric: Record<string, unknown>) => void): unknown[] {
  const payload = fakeBridgeMetrics() as Record<string, unknown>[];
  change(payload.find((metric) => metric.name === name)!);
  return payload;
}

describe("parseBridgeMetrics", () => {
  it("accepts the bridge's payload", () => {
    const metrics = parseBridgeMetrics(fakeBridgeMetrics({ accepted: 3 }));
    assert.deepEqual(metrics.nachbarstrom_bridge_readings_accepted_total, [{ value: 3, labels: {} }]);
  });

  it("rejects a payload that is not an array of metrics", () => {
    rejects({ metrics: [] }, /^\(root\): expected an array of metrics \(got \{"metrics":\[\]\}\)$/);
    rejects(null, /^\(root\): expected an array/);
    rejects([42], /^\[0\]: expected an object with name, type and values \(got 42\)$/);
    rejects([{ type: "counter" }], /^\[0\]\.name: expected a string \(got undefined\)$/);
  });

  it("names a missing metric", () => {
    const payload = fakeBridgeMetrics().filter(
      (metric) => (metric as { name: string }).name !== "nachbarstrom_bridge_outbox_depth",
    );
    rejects(payload, /^missing: nachbarstrom_bridge_outbox_depth$/);
  });

  it("names the metric and field of a wrong type or value", () => {
    rejects(
      withMetric("nachbarstrom_bridge_outbox_depth", (m) => (m.type = "counter")),
      /^\[9\] \(nachbarstrom_bridge_outbox_depth\)\.type: expected "gauge" \(got "counter"\)$/,
    );
    rejects(
      withMetric("nachbarstrom_bridge_readings_accepted_total", (m) => (m.values = { value: 1 })),
      /\(nachbarstrom_bridge_readings_accepted_total\)\.values: expected an array/,
    );
    rejects(
      withMetric("nachbarstrom_bridge_readings_accepted_total", (m) => (m.values = [{ value: "12", labels: {} }])),
      /\(nachbarstrom_bridge_readings_accepted_total\)\.values\[0\]\.value: expected a whole number ≥ 0 \(got "12"\)$/,
    );
    rejects(
      withMetric("nachbarstrom_bridge_batches_failed_total", (m) => (m.values = [{ value: -1, labels: {} }])),
      /batches_failed_total\)\.values\[0\]\.value: expected a whole number ≥ 0 \(got -1\)$/,
    );
    rejects(
      withMetric(
        "nachbarstrom_bridge_readings_rejected_total",
        (m) => (m.values = [{ value: 1, labels: { reason: {} } }]),
      ),
      /readings_rejected_total\)\.values\[0\]\.labels\.reason: expected a string or number \(got \{\}\)$/,
    );
  });

  it("rejects a metric reported twice", () => {
    const payload = fakeBridgeMetrics();
    rejects(
      [...payload, payload[0]],
      /\[10\] \(nachbarstrom_bridge_messages_received_total\): reported a second time$/,
    );
  });

  it("cuts a long value short in the message", () => {
    rejects("x".repeat(500), /^\(root\): expected an array of metrics \(got "x{56}…\)$/);
  });
});
