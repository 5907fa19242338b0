import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bridgeMetrics, createBridgeMetrics, rejectionCategory } from "./metrics.ts";

/** The value of one series in the text exposition, e.g. value(text, 'x_total{reason="json"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("bridge metrics", () => {
  test("count each event and show it in the Prometheus text format", async () => {
    const metrics = createBridgeMetrics();
    metrics.messageReceived();
    metrics.messageReceived();
    metrics.messageReceived();
    metrics.readingAccepted();
    metrics.readingRejected("payload is not valid JSON: Unexpected token");
    metrics.readingRejected("CRC 1234 does not match computed ABCD");
    metrics.readingDuplicate();
    metrics.intervalClosed("grace");
    metrics.intervalClosed("complete");
    metrics.intervalClosed("complete");
    metrics.batchSubmitted();
    metrics.batchRetried();
    metrics.batchRetried();
    metrics.batchConfirmed(false);
    metrics.batchConfirmed(true);
    metrics.batchFailed();
    metrics.setOutboxDepth(4);
    metrics.setInboxDepth(7);
    const text = await metrics.text();
    assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^# HELP nachbarstrom_bridge_readings_rejected_total /m);
    assert.match(text, /^# TYPE nachbarstrom_bridge_readings_rejected_total counter$/m);
    assert.match(text, /^# TYPE nachbarstrom_bridge_outbox_depth gauge$/m);
    const expected: [string, number][] = [
      ["nachbarstrom_bridge_messages_received_total", 3],
      ["nachbarstrom_bridge_readings_accepted_total", 1],
      ['nachbarstrom_bridge_readings_rejected_total{reason="json"}', 1],
      ['nachbarstrom_bridge_readings_rejected_total{reason="crc"}', 1],
      ['nachbarstrom_bridge_readings_rejected_total{reason="signature"}', 0],
      ["nachbarstrom_bridge_readings_duplicate_total", 1],
      ['nachbarstrom_bridge_intervals_closed_total{closed_by="complete"}', 2],
      ['nachbarstrom_bridge_intervals_closed_total{closed_by="grace"}', 1],
      ["nachbarstrom_bridge_batches_submitted_total", 1],
      ['nachbarstrom_bridge_batches_confirmed_total{outcome="settled"}', 1],
      ['nachbarstrom_bridge_batches_confirmed_total{outcome="already_settled"}', 1],
      ["nachbarstrom_bridge_batches_retried_total", 2],
      ["nachbarstrom_bridge_batches_failed_total", 1],
      ["nachbarstrom_bridge_outbox_depth", 4],
      ["nachbarstrom_bridge_inbox_depth", 7],
    ];
    for (const [series, count] of expected) assert.equal(value(text, series), count, series);
  });

  test("the reason label is a fixed category, never the reason's text", async () => {
    const metrics = createBridgeMetrics();
    metrics.readingRejected('unknown metering point "X": it is not registered in neighbourhood "h"');
    metrics.readingRejected('unknown metering point "Y": it is not registered in neighbourhood "h"');
    const text = await metrics.text();
    assert.equal(value(text, 'nachbarstrom_bridge_readings_rejected_total{reason="unknown_meter"}'), 2);
    assert.doesNotMatch(text, /metering point "X"/);
  });

  test("rejection reasons of the gate, the registers and the formats fall into their categories", () => {
    const cases: [string, string][] = [
      ['topic "a/b" is not nachbarstrom/<neighbourhood>/<meteringPointId>/reading', "topic"],
      ["payload is not valid JSON: Unexpected token ';'", "json"],
      ["payload is not a JSON object (got 5)", "json"],
      ["exportWh: Required (got nothing)", "schema"],
      ["importWh: Number must be greater than or equal to 0 (got -5)", "schema"],
      ['unknown neighbourhood "x": it is not in the meter directory', "unknown_meter"],
      [
        'unknown metering point "DE1": it is not registered in any neighbourhood of the meter directory',
        "unknown_meter",
      ],
      [
        'metering point "DE1" is registered in several neighbourhoods ("a", "b"); the message does not say which',
        "unknown_meter",
      ],
      ["importWh decreased: 999 Wh at 2026-01-01T00:01:00Z is below 1000 Wh at 2026-01-01T00:00:00Z", "sequence"],
      ["exportWh out of order: 5 Wh at t is above 4 Wh of the later reading at u", "sequence"],
      [
        "importWh implausible: rose by 9000000 Wh in 60 s (540000000 W, more than the 100000 W a metering point can carry)",
        "sequence",
      ],
      ["conflicts with the reading already received for t (importWh 1, exportWh 2)", "sequence"],
      ["late: 2026-01-01T00:01:00Z belongs to interval 1964, which has closed (readings are accepted after …)", "late"],
      ["out of order: 2026-01-01T00:01:00Z is older than the meter's settled register at …", "late"],
      ["CRC 0x1234 does not match computed 0xABCD", "crc"],
      ["BCC 0x12 does not match computed 0x13", "crc"],
      ['no CRC after "!" (got ""; DSMR 2/3 telegrams have none)', "crc"],
      ["signature is invalid: bad point", "signature"],
      ["signature is by 0xabc, not by the signer registered for DE1", "signature"],
      ["truncated: the signature section is missing", "signature"],
      ["no DSMR settings are configured", "config"],
      ["truncated: the block check character after ETX is missing", "format"],
      ["timestamp 0-0:1.0.0 is missing", "format"],
    ];
    for (const [reason, category] of cases) assert.equal(rejectionCategory(reason), category, reason);
  });

  test("one registry per runtime: the same key gives the same metrics, another key new ones", () => {
    const runtime = {};
    assert.equal(bridgeMetrics(runtime), bridgeMetrics(runtime));
    assert.notEqual(bridgeMetrics(runtime), bridgeMetrics({}));
  });
});
