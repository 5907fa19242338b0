import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { createIntervalEnergy } from "./interval-energy.ts";
import { advanceMeter, type MeterState } from "./meters.ts";
import { stepEnergy, type HouseholdSpec } from "./profiles.ts";
import type { Site } from "./solar.ts";

const BERLIN: Site = { latitude: 52.52, longitude: 13.4 };
const roofs = [
  { azimuth: 180, tilt: 35 },
  { azimuth: 90, tilt: 20 },
  { azimuth: 270, tilt: 45 },
];
/** The demo's households, the PV ones again on tilted roofs, and some with a heat pump, a car and a battery. */
const households: HouseholdSpec[] = [
  ...DEMO_NEIGHBOURHOOD.households,
  ...DEMO_NEIGHBOURHOOD.households.filter((h) => h.pvKwp > 0).map((h, i) => ({ ...h, roof: roofs[i % 3] })),
  { annualKwh: 3000, pvKwp: 0, heatPump: { annualKwh: 4500 } },
  { annualKwh: 2500, pvKwp: 0, ev: { annualKm: 15_000, kWhPer100km: 18, chargerKw: 11 } },
  { annualKwh: 4000, pvKwp: 9, roof: roofs[0], battery: { capacityKwh: 8, powerKw: 4, efficiency: 0.9 } },
  {
    annualKwh: 3500,
    pvKwp: 11,
    heatPump: { annualKwh: 3800 },
    ev: { annualKm: 12_000, kWhPer100km: 17, chargerKw: 3.7 },
    battery: { capacityKwh: 10, powerKw: 5, efficiency: 0.88 },
  },
];

describe("createIntervalEnergy", () => {
  it("gives exactly what stepEnergy and advanceMeter give, interval by interval", () => {
    for (const [site, seed, start] of [
      [undefined, 1, "2026-06-20T22:00:00Z"],
      [BERLIN, 7, "2026-03-28T22:00:00Z"], // across the switch to summer time
      [BERLIN, -3, "2026-12-21T06:00:00Z"],
      [undefined, 37, "2026-12-30T23:00:00Z"], // across the new year: the car's schedule of two years
      [{ latitude: -33.9, longitude: 18.4 }, 2, "2026-07-04T22:00:00Z"], // a southern winter
    ] as const) {
      const startUnix = Date.parse(start) / 1000;
      const model = createIntervalEnergy({ households, seed, site: site ?? { latitude: 50.78, longitude: 6.08 } });
      const batteries = households.map(() => 0n);
      let meters: MeterState[] = households.map(() => ({
        meteringPointId: "x",
        importWh: 0n,
        exportWh: 0n,
        importRemainderMicroWh: 0n,
        exportRemainderMicroWh: 0n,
      }));
      for (let k = 0; k < 2 * 96; k++) {
        const t = startUnix + k * 900;
        model.compute(t);
        households.forEach((household, h) => {
          const energy = stepEnergy(household, h, t, 900, seed, site, batteries[h]);
          batteries[h] = energy.batteryMicroWh;
          const next = advanceMeter(meters[h], energy);
          const where = `household ${h}, interval ${k} from ${start}`;
          assert.equal(model.loadMicroWh[h], Number(energy.loadMicroWh), where);
          assert.equal(model.pvMicroWh[h], Number(energy.pvMicroWh), where);
          assert.equal(model.heatPumpMicroWh[h], Number(energy.heatPumpMicroWh), where);
          assert.equal(model.evMicroWh[h], Number(energy.evMicroWh), where);
          assert.equal(model.batteryChargeMicroWh[h], Number(energy.batteryChargeMicroWh), where);
          assert.equal(model.batteryDischargeMicroWh[h], Number(energy.batteryDischargeMicroWh), where);
          assert.equal(model.batteryMicroWh[h], Number(energy.batteryMicroWh), where);
          assert.equal(model.importWh[h], Number(next.importWh - meters[h].importWh), where);
          assert.equal(model.exportWh[h], Number(next.exportWh - meters[h].exportWh), where);
          meters[h] = next;
        });
      }
    }
  });

  it("gives a south roof at 35° more PV over a year than a flat one, east and north less", () => {
    const specs: HouseholdSpec[] = [
      { annualKwh: 0, pvKwp: 1 },
      { annualKwh: 0, pvKwp: 1, roof: { azimuth: 180, tilt: 35 } },
      { annualKwh: 0, pvKwp: 1, roof: { azimuth: 0, tilt: 90 } },
      { annualKwh: 0, pvKwp: 1, roof: { azimuth: 90, tilt: 35 } },
    ];
    const model = createIntervalEnergy({ households: specs, seed: 1, site: { latitude: 50.78, longitude: 6.08 } });
    const yearly = [0, 0, 0, 0];
    const start = Date.parse("2026-01-01T00:00:00Z") / 1000;
    // Every 7th day is enough for a comparison.
    for (let day = 0; day < 365; day += 7) {
      for (let k = 0; k < 96; k++) {
        model.compute(start + day * 86_400 + k * 900);
        for (let h = 0; h < 4; h++) yearly[h] += model.pvMicroWh[h];
      }
    }
    const [flat, south, north, east] = yearly;
    // PVGIS for Aachen: a south roof at 35° yields about 1.14 × a flat one, an east roof about 0.9 ×.
    assert.ok(south > flat * 1.08 && south < flat * 1.2, `south ${south / flat} × flat`);
    assert.ok(east > flat * 0.8 && east < flat, `east ${east / flat} × flat`);
    assert.ok(north < flat * 0.6, `north wall ${north / flat} × flat`);
  });
});
