import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NachbarstromError } from "@nachbarstrom/core/errors";
import type { ChunkResult } from "@nachbarstrom/core/packed";
import type { Address, Hex } from "viem";
import { encodeChunkResults, fakeLog, id } from "./fake-logs.test-helper.ts";
import {
  householdMeterRows,
  newestIntervalRows,
  type ChunkSettledArgs,
  type HouseholdIntervalRow,
} from "./household-rows.ts";
import type { MeterRegistration } from "./meter-registrations.ts";

const owner: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const hood = id(0x11);
const otherHood = id(0x22);
const meterA: MeterRegistration = { meter: id(0xa1), neighbourhood: hood, owner, number: 7 };
const meterB: MeterRegistration = { meter: id(0xb2), neighbourhood: hood, owner, number: 12 };

function result(number: number, extra: Partial<ChunkResult> = {}): ChunkResult {
  return {
    number,
    importWh: 0n,
    exportWh: 0n,
    contractBoughtWh: 0n,
    contractSoldWh: 0n,
    poolBoughtWh: 0n,
    poolSoldWh: 0n,
    debit: 0n,
    credit: 0n,
    ...extra,
  };
}

function chunk(interval: bigint, results: Hex | readonly ChunkResult[], neighbourhood = hood, index = 0) {
  return {
    neighbourhood,
    interval,
    chunk: index,
    results: typeof results === "string" ? results : encodeChunkResults(results),
  } satisfies ChunkSettledArgs;
}

/** Rows of one meter in each of `intervals`, as householdMeterRows builds them. */
function rowsOf(intervals: readonly bigint[], meters: readonly MeterRegistration[]): HouseholdIntervalRow[] {
  const logs = intervals.map((interval, i) =>
    fakeLog(
      chunk(
        interval,
        meters.map((m) => result(m.number)),
      ),
      BigInt(i + 1),
    ),
  );
  return householdMeterRows(logs, meters);
}

describe("householdMeterRows", () => {
  it("decodes a meter's 44 bytes as the contract writes them and derives local, grid and net", () => {
    // Meter 7: 800 Wh in, 50 Wh out, 100 Wh by contract and 200 Wh from the pool bought, 20 Wh sold to
    // the pool, 0.275000 € paid, 0.007370 € received.
    const results: Hex = `0x${[
      "00000007",
      "00000320",
      "00000032",
      "00000064",
      "00000000",
      "000000c8",
      "00000014",
      "0000000000043238",
      "0000000000001cca",
    ].join("")}`;
    const [row, ...rest] = householdMeterRows([fakeLog(chunk(100n, results), 7n)], [meterA]);
    assert.equal(rest.length, 0);
    assert.deepEqual(row, {
      neighbourhood: hood,
      interval: 100n,
      meter: meterA.meter,
      number: 7,
      importWh: 800n,
      exportWh: 50n,
      localBoughtWh: 300n,
      localSoldWh: 20n,
      debit: 275_000n,
      credit: 7_370n,
      fromGridWh: 500n,
      toGridWh: 30n,
      net: -267_630n,
      transactionHash: id(7),
    });
  });

  it("keeps only the household's meters of a chunk, named by their meter id", () => {
    const results = [
      result(3, { importWh: 1n }),
      result(7, { importWh: 2n }),
      result(9, { importWh: 3n }),
      result(12, { importWh: 4n, debit: 2n ** 63n, credit: 1n }),
      result(4_000_000_000, { importWh: 5n }),
    ];
    const rows = householdMeterRows([fakeLog(chunk(100n, results), 3n)], [meterA, meterB]);
    assert.deepEqual(
      rows.map((r) => [r.meter, r.number, r.importWh, r.debit]),
      [
        [meterA.meter, 7, 2n, 0n],
        [meterB.meter, 12, 4n, 2n ** 63n],
      ],
    );
  });

  it("finds the household's meters across the chunks of an interval", () => {
    const logs = [
      fakeLog(chunk(100n, [result(12)], hood, 1), 4n),
      fakeLog(chunk(100n, [result(5), result(7)], hood, 0), 3n),
    ];
    assert.deepEqual(
      householdMeterRows(logs, [meterA, meterB]).map((r) => [r.number, r.transactionHash]),
      [
        [7, id(3)],
        [12, id(4)],
      ],
    );
  });

  it("does not take a number from a neighbourhood the meter is not in", () => {
    const logs = [fakeLog(chunk(100n, [result(7)], otherHood), 3n)];
    assert.deepEqual(householdMeterRows(logs, [meterA]), []);
  });

  it("gives no rows for no logs, an empty chunk or a household without meters", () => {
    assert.deepEqual(householdMeterRows([], [meterA]), []);
    assert.deepEqual(householdMeterRows([fakeLog(chunk(100n, "0x"), 1n)], [meterA]), []);
    assert.deepEqual(householdMeterRows([fakeLog(chunk(100n, [result(7)]), 1n)], []), []);
  });

  it("refuses results that are not whole meters", () => {
    const cut = encodeChunkResults([result(7)]).slice(0, -2) as Hex;
    assert.throws(() => householdMeterRows([fakeLog(chunk(100n, cut), 1n)], [meterA]), NachbarstromError);
  });
});

describe("newestIntervalRows", () => {
  it("puts the newest interval first and meters in number order within one", () => {
    const rows = [...rowsOf([100n], [meterB, meterA]), ...rowsOf([102n, 101n], [meterA])];
    assert.deepEqual(
      newestIntervalRows(rows).map((r) => [r.interval, r.number]),
      [
        [102n, 7],
        [101n, 7],
        [100n, 7],
        [100n, 12],
      ],
    );
  });

  it("keeps all meters of the newest `limit` intervals", () => {
    const rows = newestIntervalRows(rowsOf([100n, 101n, 102n], [meterA, meterB]), 2);
    assert.deepEqual([...new Set(rows.map((r) => r.interval))], [102n, 101n]);
    assert.equal(rows.length, 4);
  });

  it("gives no rows for no rows", () => {
    assert.deepEqual(newestIntervalRows([]), []);
  });
});
