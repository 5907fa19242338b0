import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bridgeAttention, OUTBOX_ATTENTION_DEPTH, summariseBridgeMetrics } from "./bridge-health.ts";
import { fakeBridgeMetrics } from "./fake-bridge-metrics.test-helper.ts";

describe("summariseBridgeMetrics", () => {
  it("adds up a real-looking payload", () => {
    const summary = summariseBridgeMetrics(
      fakeBridgeMetrics({
        received: 1_204,
        accepted: 1_180,
        rejected: { json: 3, schema: 7, unknown_meter: 2 },
        duplicate: 12,
        closedComplete: 30,
        closedGrace: 2,
        submitted: 33,
        settled: 31,
        alreadySettled: 1,
        retried: 4,
        outboxDepth: 1,
      }),
    );
    assert.equal(summary.state, "healthy");
    assert.deepEqual(summary.attention, []);
    const { rejectedByReason, ...figures } = summary.figures;
    assert.deepEqual(figures, {
      messagesReceived: 1_204,
      readingsAccepted: 1_180,
      readingsRejected: 12,
      readingsDuplicate: 12,
      intervalsClosedComplete: 30,
      intervalsClosedGrace: 2,
      batchesSubmitted: 33,
      batchesSettled: 31,
      batchesAlreadySettled: 1,
      batchesRetried: 4,
      batchesFailed: 0,
      outboxDepth: 1,
    });
    assert.deepEqual(rejectedByReason, [
      { known: true, reason: "topic", count: 0 },
      { known: true, reason: "json", count: 3 },
      { known: true, reason: "schema", count: 7 },
      { known: true, reason: "unknown_meter", count: 2 },
      { known: true, reason: "sequence", count: 0 },
      { known: true, reason: "crc", count: 0 },
      { known: true, reason: "signature", count: 0 },
      { known: true, reason: "late", count: 0 },
      { known: true, reason: "config", count: 0 },
      { known: true, reason: "format", count: 0 },
    ]);
  });

  it("keeps a rejection category it does not know, after the known ones", () => {
    const summary = summariseBridgeMetrics(fakeBridgeMetrics({ rejected: { replay: 5, crc: 1 } }));
    assert.equal(summary.figures.readingsRejected, 6);
    assert.deepEqual(summary.figures.rejectedByReason.at(-1), { known: false, reason: "replay", count: 5 });
    assert.equal(summary.figures.rejectedByReason.length, 11);
  });

  it("ignores metrics it does not read, such as process metrics", () => {
    const payload = [
      { name: "process_cpu_seconds_total", help: "", type: "counter", values: [{ value: 0.25 }] },
      ...fakeBridgeMetrics({ accepted: 2 }),
    ];
    assert.equal(summariseBridgeMetrics(payload).figures.readingsAccepted, 2);
  });
});

describe("bridge attention", () => {
  it("asks for attention once a batch has failed", () => {
    const summary = summariseBridgeMetrics(fakeBridgeMetrics({ failed: 1 }));
    assert.equal(summary.state, "attention");
    assert.deepEqual(summary.attention, ["failed"]);
  });

  it("asks for attention when the outbox holds more than an hour of intervals", () => {
    assert.equal(OUTBOX_ATTENTION_DEPTH, 4);
    assert.deepEqual(bridgeAttention({ batchesFailed: 0, outboxDepth: OUTBOX_ATTENTION_DEPTH }), []);
    assert.deepEqual(bridgeAttention({ batchesFailed: 0, outboxDepth: OUTBOX_ATTENTION_DEPTH + 1 }), ["outbox"]);
    assert.deepEqual(bridgeAttention({ batchesFailed: 2, outboxDepth: 9 }), ["failed", "outbox"]);
  });

  it("does not count rejections, retries or late intervals as trouble of the bridge", () => {
    const summary = summariseBridgeMetrics(fakeBridgeMetrics({ rejected: { crc: 40 }, retried: 9, closedGrace: 5 }));
    assert.equal(summary.state, "healthy");
  });
});
