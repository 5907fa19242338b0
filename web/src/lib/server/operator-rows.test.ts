import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeLog, id } from "./fake-logs.test-helper.ts";
import { settledIntervalRows, type IntervalSettledArgs } from "./operator-rows.ts";

function settled(interval: bigint, neighbourhood = id(0x11)): IntervalSettledArgs {
  return {
    neighbourhood,
    interval,
    commitment: id(0xcc),
    batchKey: id(0xbb),
    meterCount: 12,
    importWh: 4_000n,
    exportWh: 2_500n,
    localWh: 2_500n,
  };
}

describe("settledIntervalRows", () => {
  it("maps an IntervalSettled log with its transaction", () => {
    const [row] = settledIntervalRows([fakeLog(settled(500n), 42n)]);
    assert.deepEqual(row, { ...settled(500n), transactionHash: id(42), blockNumber: 42n });
  });

  it("sorts newest interval first, the later settlement first within one, and keeps `limit`", () => {
    const logs = [
      fakeLog(settled(500n, id(0x11)), 10n),
      fakeLog(settled(502n, id(0x11)), 12n),
      fakeLog(settled(501n, id(0x11)), 11n),
      fakeLog(settled(502n, id(0x22)), 13n),
    ];
    assert.deepEqual(
      settledIntervalRows(logs).map((r) => [r.interval, r.blockNumber]),
      [
        [502n, 13n],
        [502n, 12n],
        [501n, 11n],
        [500n, 10n],
      ],
    );
    assert.equal(settledIntervalRows(logs, 2).length, 2);
  });
});
