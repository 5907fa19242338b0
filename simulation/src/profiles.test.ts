import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { wrapHours } from "./clock.ts";
import { dailyShape, householdPower, pvWatts, seasonalFactor, stepEnergy } from "./profiles.ts";
import { mulberry32 } from "./prng.ts";
import { dayOfYear } from "./solar.ts";

const households = DEMO_NEIGHBOURHOOD.households;
const at = (iso: string) => Date.parse(iso) / 1000;
const seed = 1;

describe("householdPower", () => {
  it("has no PV at night, summer or winter", () => {
    for (const iso of ["2026-06-21T23:00:00Z", "2026-06-21T01:30:00Z", "2026-12-21T17:00:00Z"]) {
      households.forEach((household, index) => {
        const power = householdPower(household, index, at(iso), seed);
        assert.equal(power.pvW, 0, `${household.label} at ${iso}`);
        assert.equal(power.exportW, 0, `${household.label} at ${iso}`);
        assert.ok(power.importW > 0, `${household.label} draws from the grid at ${iso}`);
      });
    }
  });

  it("has PV at summer noon for every PV household, for any seed", () => {
    for (const anySeed of [1, 2, 3, 99]) {
      for (const household of households.filter((h) => h.pvKwp > 0)) {
        const watts = pvWatts(household, at("2026-06-21T11:36:00Z"), anySeed);
        // Between the darkest day (clearness 0.1) and a clear one: kWp × sin(62.7°) × 0.8 × [0.1, 1].
        assert.ok(watts > household.pvKwp * 70 && watts <= household.pvKwp * 711, `${household.label}: ${watts} W`);
      }
    }
  });

  it("never exports from a household without PV", () => {
    const start = at("2026-06-01T00:00:00Z");
    households.forEach((household, index) => {
      if (household.pvKwp > 0) return;
      for (let step = 0; step < 7 * 96; step++) {
        assert.equal(stepEnergy(household, index, start + step * 900, 900, seed).exportMicroWh, 0n);
      }
    });
  });

  it("nets at the instant: import − export = load − pv", () => {
    households.forEach((household, index) => {
      const { loadW, pvW, importW, exportW } = householdPower(household, index, at("2026-05-10T10:00:00Z"), seed);
      assert.ok(Math.abs(importW - exportW - (loadW - pvW)) < 1e-9);
      assert.ok(importW === 0 || exportW === 0);
    });
  });
});

describe("consumption", () => {
  it("has a daily shape of mean 1 with an evening peak above the morning one", () => {
    let sum = 0;
    for (let minute = 0; minute < 1440; minute++) sum += dailyShape(minute * 60);
    assert.ok(Math.abs(sum / 1440 - 1) < 1e-9);
    assert.ok(dailyShape(19 * 3600) > dailyShape(8 * 3600));
    assert.ok(dailyShape(8 * 3600) > dailyShape(3 * 3600) * 2);
  });

  // Tolerances: a day is annualKwh/365 × seasonal factor within ±12 % (the appliance draws; the
  // worst of 4380 household-days with seed 1 is 9.3 %), so annualKwh/365 itself within ±30 %
  // (seasonal ±15 % on top); the year is annualKwh within ±1 % (seed 1: 0.3 % at most).
  it("gives each day about annualKwh/365 and the year annualKwh", () => {
    const start = at("2026-01-01T00:00:00Z");
    households.forEach((household, index) => {
      let yearMicroWh = 0n;
      for (let day = 0; day < 365; day++) {
        const dayStart = start + day * 86_400;
        let dayMicroWh = 0n;
        for (let hour = 0; hour < 24; hour++) {
          dayMicroWh += stepEnergy(household, index, dayStart + hour * 3600, 3600, seed).loadMicroWh;
        }
        yearMicroWh += dayMicroWh;
        const dayKwh = Number(dayMicroWh) / 1e9;
        const average = household.annualKwh / 365;
        const seasonal = average * seasonalFactor(dayOfYear(dayStart));
        assert.ok(Math.abs(dayKwh / seasonal - 1) < 0.12, `${household.label}, day ${day + 1}: ${dayKwh} kWh`);
        assert.ok(Math.abs(dayKwh / average - 1) < 0.3, `${household.label}, day ${day + 1}: ${dayKwh} kWh`);
      }
      const yearKwh = Number(yearMicroWh) / 1e9;
      assert.ok(Math.abs(yearKwh / household.annualKwh - 1) < 0.01, `${household.label}: ${yearKwh} kWh a year`);
    });
  });
});

describe("stepEnergy", () => {
  it("is deterministic and depends on the seed", () => {
    const household = households[0];
    const t = at("2026-06-21T10:00:00Z");
    assert.deepEqual(stepEnergy(household, 0, t, 900, 1), stepEnergy(household, 0, t, 900, 1));
    assert.notDeepEqual(stepEnergy(household, 0, t, 900, 1), stepEnergy(household, 0, t, 900, 2));
  });

  it("splits into the same energy whether taken in minutes or in one 15-minute step (within rounding)", () => {
    const household = households[2];
    const t = at("2026-06-21T12:00:00Z");
    const whole = stepEnergy(household, 2, t, 900, seed);
    let importMicroWh = 0n;
    for (let minute = 0; minute < 15; minute++)
      importMicroWh += stepEnergy(household, 2, t + minute * 60, 60, seed).importMicroWh;
    const difference = importMicroWh - whole.importMicroWh;
    assert.ok(difference >= -15n && difference <= 15n, `${difference} µWh`);
  });
});

describe("wrapHours", () => {
  it("equals ((x % 24) + 24) % 24 to the bit, edges included", () => {
    const reference = (x: number) => ((x % 24) + 24) % 24;
    const next = mulberry32(3);
    const edges = [0, -0, 24, 48, -24, 23.999999999999996, -1e-17, 47.99999999999999, -23.999999999999996, 1e300];
    const random = Array.from({ length: 200_000 }, (_, i) => (next() * 96 - 36) / (i % 2 === 0 ? 1 : 3600));
    for (const x of [...edges, ...random, ...edges.map((e) => -e), Number.NaN]) {
      assert.ok(Object.is(wrapHours(x), reference(x)), `x = ${x}: ${wrapHours(x)} vs ${reference(x)}`);
    }
  });
});
