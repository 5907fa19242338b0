import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeLog, id } from "./fake-logs.test-helper.ts";
import { distinctIntervals, householdRows, type MeterSettledArgs } from "./household-rows.ts";

const hood = id(0x11);
const meterA = id(0xa1);
const meterB = id(0xb2);

function settled(
  interval: bigint,
  meter: `0x${string}`,
  extra: Partial<MeterSettledArgs["result"]> = {},
): MeterSettledArgs {
  return {
    neighbourhood: hood,
    interval,
    meter,
    result: {
      importWh: 0n,
      exportWh: 0n,
      contractBoughtWh: 0n,
      contractSoldWh: 0n,
      poolBoughtWh: 0n,
      poolSoldWh: 0n,
      debit: 0n,
      credit: 0n,
      ...extra,
    },
  };
}

describe("householdRows", () => {
  it("derives local and grid energy and net money from a MeterSettled log", () => {
    const args = settled(100n, meterA, {
      importWh: 800n,
      exportWh: 50n,
      contractBoughtWh: 100n,
      poolBoughtWh: 200n,
      poolSoldWh: 20n,
      debit: 275_000n,
      credit: 7_370n,
    });
    const [row] = householdRows([fakeLog(args, 7n)]);
    assert.equal(row.localBoughtWh, 300n);
    assert.equal(row.localSoldWh, 20n);
    assert.equal(row.fromGridWh, 500n);
    assert.equal(row.toGridWh, 30n);
    assert.equal(row.net, -267_630n);
    assert.equal(row.debit, 275_000n);
    assert.equal(row.credit, 7_370n);
    assert.equal(row.interval, 100n);
    assert.equal(row.meter, meterA);
    assert.equal(row.transactionHash, id(7));
  });

  it("puts the newest interval first and meters in id order within one", () => {
    const rows = householdRows([
      fakeLog(settled(100n, meterB), 5n, 1),
      fakeLog(settled(100n, meterA), 5n, 0),
      fakeLog(settled(102n, meterA), 9n),
      fakeLog(settled(101n, meterA), 7n),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.interval, r.meter]),
      [
        [102n, meterA],
        [101n, meterA],
        [100n, meterA],
        [100n, meterB],
      ],
    );
  });

  it("keeps all meters of the newest `limit` intervals", () => {
    const logs = [100n, 101n, 102n].flatMap((interval, i) => [
      fakeLog(settled(interval, meterA), BigInt(i + 1), 0),
      fakeLog(settled(interval, meterB), BigInt(i + 1), 1),
    ]);
    const rows = householdRows(logs, 2);
    assert.deepEqual([...new Set(rows.map((r) => r.interval))], [102n, 101n]);
    assert.equal(rows.length, 4);
  });

  it("gives no rows for no logs", () => {
    assert.deepEqual(householdRows([]), []);
  });
});

describe("distinctIntervals", () => {
  it("counts intervals, not meters", () => {
    assert.equal(
      distinctIntervals([
        fakeLog(settled(1n, meterA), 1n),
        fakeLog(settled(1n, meterB), 1n, 1),
        fakeLog(settled(2n, meterA), 2n),
      ]),
      2,
    );
  });
});
