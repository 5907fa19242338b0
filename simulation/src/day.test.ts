import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_NEIGHBOURHOOD, parseReading } from "@nachbarstrom/core";
import { readingBatches, simulateReadings } from "./day.ts";
import { SimulationParameterError } from "./errors.ts";
import { stepEnergy } from "./profiles.ts";

const households = DEMO_NEIGHBOURHOOD.households;
const startAt = new Date("2026-06-21T00:00:00Z");
const day = { startAt, steps: 24 * 60 + 1, stepSeconds: 60, seed: 1 };

describe("simulateReadings", () => {
  const readings = simulateReadings(day);
  const perMeter = (index: number) => readings.filter((_, i) => i % households.length === index);

  it("is deterministic for a seed and differs for another seed", () => {
    assert.deepEqual(simulateReadings(day), readings);
    assert.notDeepEqual(simulateReadings({ ...day, seed: 2 }), readings);
  });

  it("lists every household once per step, in household order, starting at startAt", () => {
    assert.equal(readings.length, day.steps * households.length);
    readings.forEach((reading, i) => {
      const household = households[i % households.length];
      const step = Math.floor(i / households.length);
      assert.equal(reading.topic, `nachbarstrom/burtscheid-sued/${household.meteringPointId}/reading`);
      assert.equal(Date.parse(reading.payload.timestamp), startAt.getTime() + step * 60_000);
    });
    assert.equal(readings[0].payload.timestamp, "2026-06-21T00:00:00Z");
  });

  it("gives payloads the bridge accepts", () => {
    for (const reading of readings) {
      const parsed = parseReading(reading.topic, JSON.stringify(reading.payload));
      assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
    }
  });

  it("keeps registers integer and never decreasing", () => {
    households.forEach((_, index) => {
      const series = perMeter(index);
      for (let step = 1; step < series.length; step++) {
        const [before, after] = [series[step - 1].payload, series[step].payload];
        assert.ok(Number.isSafeInteger(after.importWh) && Number.isSafeInteger(after.exportWh));
        assert.ok(after.importWh >= before.importWh && after.exportWh >= before.exportWh);
      }
    });
  });

  it("moves each register by exactly the whole Wh of the energy measured, remainder carried", () => {
    households.forEach((household, index) => {
      const series = perMeter(index);
      let importMicroWh = 0n;
      let exportMicroWh = 0n;
      for (let step = 0; step < series.length - 1; step++) {
        const energy = stepEnergy(household, index, startAt.getTime() / 1000 + step * 60, 60, day.seed);
        importMicroWh += energy.importMicroWh;
        exportMicroWh += energy.exportMicroWh;
        const [first, now] = [series[0].payload, series[step + 1].payload];
        assert.equal(BigInt(now.importWh - first.importWh), importMicroWh / 1_000_000n);
        assert.equal(BigInt(now.exportWh - first.exportWh), exportMicroWh / 1_000_000n);
      }
    });
  });

  it("exports from PV households on a summer day and never from the others", () => {
    households.forEach((household, index) => {
      const series = perMeter(index);
      const exported = series[series.length - 1].payload.exportWh - series[0].payload.exportWh;
      assert.equal(exported > 0, household.pvKwp > 0, `${household.label} exported ${exported} Wh`);
    });
  });

  it("returns nothing for zero steps and names a bad parameter", () => {
    assert.deepEqual(simulateReadings({ ...day, steps: 0 }), []);
    assert.throws(() => simulateReadings({ ...day, steps: -1 }), SimulationParameterError);
    assert.throws(() => simulateReadings({ ...day, stepSeconds: 0 }), /stepSeconds: must be an integer/);
    assert.throws(() => simulateReadings({ ...day, startAt: new Date("2026-06-21T00:00:00.500Z") }), /startAt/);
    assert.throws(() => simulateReadings({ ...day, seed: 0.5 }), /seed/);
    const badSlug = { slug: "Not a slug", households };
    assert.throws(() => simulateReadings({ ...day, neighbourhood: badSlug }), /households\[0\]/);
  });
});

describe("readingBatches", () => {
  it("continues exactly where a shorter offline run ends", () => {
    const batches = readingBatches({ startAt, stepSeconds: 900 });
    const streamed = Array.from({ length: 5 }, () => batches.next().value.readings).flat();
    assert.deepEqual(streamed, simulateReadings({ startAt, stepSeconds: 900, steps: 5 }));
  });
});

describe("readings of households with a heat pump, a car and a battery", () => {
  const neighbourhood = {
    slug: "geraete",
    households: [
      {
        meteringPointId: "DE0001234520660000000000000099001",
        annualKwh: 3200,
        pvKwp: 9,
        heatPump: { annualKwh: 4000 },
        ev: { annualKm: 14_000, kWhPer100km: 18, chargerKw: 11 },
        battery: { capacityKwh: 8, powerKw: 4, efficiency: 0.9 },
      },
    ],
  };
  const run = { neighbourhood, startAt: new Date("2026-04-10T22:00:00Z"), stepSeconds: 60, seed: 3 };

  it("moves the registers by the metered energy with the battery's state carried from step to step", () => {
    const steps = 2 * 1440 + 1;
    const readings = simulateReadings({ ...run, steps });
    let [importMicroWh, exportMicroWh, held] = [0n, 0n, 0n];
    const start = run.startAt.getTime() / 1000;
    for (let step = 0; step < steps - 1; step++) {
      const household = neighbourhood.households[0];
      const energy = stepEnergy(household, 0, start + step * 60, 60, run.seed, undefined, held);
      held = energy.batteryMicroWh;
      importMicroWh += energy.importMicroWh;
      exportMicroWh += energy.exportMicroWh;
      const [first, now] = [readings[0].payload, readings[step + 1].payload];
      assert.equal(BigInt(now.importWh - first.importWh), importMicroWh / 1_000_000n);
      assert.equal(BigInt(now.exportWh - first.exportWh), exportMicroWh / 1_000_000n);
    }
    assert.ok(held > 0n);
  });

  it("names a bad device field", () => {
    const bad = { ...neighbourhood.households[0], battery: { capacityKwh: 8, powerKw: 4, efficiency: 1.1 } };
    assert.throws(
      () => simulateReadings({ ...run, steps: 2, neighbourhood: { slug: "geraete", households: [bad] } }),
      (error: unknown) =>
        error instanceof SimulationParameterError &&
        /^neighbourhood\.households\[0\]\.battery\.efficiency: .* \(got 1\.1\)$/.test(error.message),
    );
  });
});
