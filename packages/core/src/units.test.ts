import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { euros, intervalOf, intervalStart, readingIntervalOf } from "./units.ts";
import { meterId, neighbourhoodId } from "./ids.ts";
import { commitReadings } from "./commitment.ts";

describe("units", () => {
  it("numbers 15-minute intervals from the epoch", () => {
    assert.equal(intervalOf(0), 0n);
    assert.equal(intervalOf(899), 0n);
    assert.equal(intervalOf(900), 1n);
    assert.equal(intervalStart(2n).toISOString(), "1970-01-01T00:30:00.000Z");
  });

  it("puts a register reading into the interval it ends or lies within", () => {
    const end = 2_000_001 * 900; // the end of interval 2_000_000, the start of 2_000_001
    assert.equal(readingIntervalOf(end - 1), 2_000_000n);
    assert.equal(readingIntervalOf(end), 2_000_000n, "the register at the bound closes the interval before it");
    assert.equal(readingIntervalOf(end + 1), 2_000_001n);
    assert.equal(readingIntervalOf(end - 0.5), 2_000_000n);
    assert.equal(readingIntervalOf(end + 0.001), 2_000_001n, "a millisecond after the bound is the next interval");
    assert.equal(readingIntervalOf(end - 899), 2_000_000n);
    assert.equal(readingIntervalOf(end - 900), 1_999_999n);
    assert.equal(readingIntervalOf(900), 0n);
    assert.equal(readingIntervalOf(1), 0n);
    for (let t = end - 1801; t <= end + 1801; t++) {
      assert.equal(readingIntervalOf(t), intervalOf(t - 1), `whole seconds: intervalOf(t − 1) at ${t}`);
    }
  });

  it("parses euro amounts without floating point", () => {
    assert.equal(euros("50"), 50_000_000n);
    assert.equal(euros("0.000001"), 1n);
    assert.equal(euros("12.5"), 12_500_000n);
    assert.throws(() => euros("1.2345678"), /at most 6 decimals/);
    assert.throws(() => euros("-1"), /euro amount/);
  });
});

describe("ids", () => {
  it("derives different meter ids for different salts", () => {
    const salt1 = neighbourhoodId("salt-1");
    const salt2 = neighbourhoodId("salt-2");
    assert.notEqual(meterId(salt1, "DE1"), meterId(salt2, "DE1"));
    assert.match(meterId(salt1, "DE1"), /^0x[0-9a-f]{64}$/);
  });
});

describe("commitReadings", () => {
  it("does not depend on the order of the readings", () => {
    const a = { neighbourhood: "n", meteringPointId: "A", importWh: 1n, exportWh: 2n, unixSeconds: 10 };
    const b = { ...a, meteringPointId: "B" };
    assert.equal(commitReadings([a, b]), commitReadings([b, a]));
    assert.notEqual(commitReadings([a, b]), commitReadings([a, { ...b, importWh: 3n }]));
  });
});
