import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { advanceMeter, initialMeter, installedAt } from "./meters.ts";

const households = DEMO_NEIGHBOURHOOD.households;
const at = (iso: string) => Date.parse(iso) / 1000;

describe("initialMeter", () => {
  it("starts every meter at its own deterministic registers of a realistic size", () => {
    const meters = households.map((household, index) => initialMeter(household, index, at("2026-06-21T04:00:00Z")));
    assert.deepEqual(
      meters,
      households.map((household, index) => initialMeter(household, index, at("2026-06-21T04:00:00Z"))),
    );
    assert.equal(new Set(meters.map((meter) => meter.importWh)).size, meters.length);
    meters.forEach((meter, index) => {
      const years = (at("2026-06-21T04:00:00Z") - installedAt(index)) / (365.25 * 86_400);
      assert.ok(years > 6 && years < 11);
      // At least the grid share of a PV household, at most all its consumption, every year.
      assert.ok(meter.importWh >= BigInt(Math.floor(households[index].annualKwh * 600 * years)));
      assert.ok(meter.importWh <= BigInt(Math.ceil(households[index].annualKwh * 1000 * years)));
      assert.equal(meter.exportWh > 0n, households[index].pvKwp > 0);
    });
  });

  it("starts later runs from higher registers", () => {
    households.forEach((household, index) => {
      const early = initialMeter(household, index, at("2026-06-21T04:00:00Z"));
      const late = initialMeter(household, index, at("2026-06-22T04:00:00Z"));
      assert.ok(late.importWh > early.importWh);
      assert.ok(late.exportWh >= early.exportWh);
    });
  });
});

describe("advanceMeter", () => {
  const start = initialMeter(households[0], 0, at("2026-06-21T04:00:00Z"));

  it("carries the remainder below one Wh exactly", () => {
    let meter = start;
    for (let i = 0; i < 7; i++) meter = advanceMeter(meter, { importMicroWh: 400_000n, exportMicroWh: 1_300_000n });
    // 7 × 0.4 Wh = 2.8 Wh; 7 × 1.3 Wh = 9.1 Wh.
    assert.equal(meter.importWh - start.importWh, 2n);
    assert.equal(meter.importRemainderMicroWh, 800_000n);
    assert.equal(meter.exportWh - start.exportWh, 9n);
    assert.equal(meter.exportRemainderMicroWh, 100_000n);
  });

  it("refuses negative energy, so registers never decrease", () => {
    assert.throws(() => advanceMeter(start, { importMicroWh: -1n, exportMicroWh: 0n }), RangeError);
  });
});
