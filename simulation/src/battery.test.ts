import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batteryModel, batterySubstep, type BatteryState } from "./battery.ts";
import { mulberry32 } from "./prng.ts";
import { stepEnergy, type HouseholdSpec } from "./profiles.ts";

const at = (iso: string) => Date.parse(iso) / 1000;
const spec = { capacityKwh: 5, powerKw: 3, efficiency: 0.9 };

describe("batterySubstep", () => {
  it("balances every sub-step exactly and keeps to its capacity and power", () => {
    const model = batteryModel(spec, 60);
    const state: BatteryState = { stored: 0, charged: 0, discharged: 0, lost: 0 };
    const next = mulberry32(11);
    const maxPerSubstep = (3000 * 60 * 1_000_000) / 3600;
    let [full, empty] = [0, 0];
    for (let i = 0; i < 50_000; i++) {
      // Long runs of surplus, then of demand, so the battery fills up and empties.
      const netW = (Math.floor(i / 400) % 2 === 0 ? -1 : 1) * next() * 6000;
      const before = { ...state };
      const acW = batterySubstep(model, state, netW);
      const charged = state.charged - before.charged;
      const discharged = state.discharged - before.discharged;
      const lost = state.lost - before.lost;
      assert.equal(charged - discharged, state.stored - before.stored + lost, `sub-step ${i}`);
      for (const value of [charged, discharged, lost, state.stored])
        assert.ok(Number.isSafeInteger(value) && value >= 0);
      assert.ok(state.stored <= model.capacityMicroWh);
      assert.ok(charged <= maxPerSubstep && discharged <= maxPerSubstep);
      assert.ok(charged === 0 || discharged === 0);
      // Never more than the surplus or the demand: the meter never sees the battery's own flow.
      assert.ok(acW <= Math.max(0, -netW) + 1e-9 && -acW <= Math.max(0, netW) + 1e-9, `${acW} W for ${netW} W`);
      if (state.stored === model.capacityMicroWh) full++;
      if (state.stored === 0) empty++;
    }
    assert.ok(full > 1000 && empty > 1000, `full ${full}, empty ${empty} sub-steps`);
    // Round trip: what comes out, and what is left would still give, is 90 % of what went in.
    const out = state.discharged + state.stored * Math.sqrt(0.9);
    assert.ok(Math.abs(out / state.charged - 0.9) < 0.001, `${out / state.charged}`);
  });

  it("loses nothing at an efficiency of 1", () => {
    const model = batteryModel({ ...spec, efficiency: 1 }, 60);
    const state: BatteryState = { stored: 0, charged: 0, discharged: 0, lost: 0 };
    for (let i = 0; i < 200; i++) batterySubstep(model, state, i < 100 ? -2500 : 1200);
    assert.equal(state.lost, 0);
    assert.equal(state.charged - state.discharged, state.stored);
  });
});

describe("stepEnergy with a battery", () => {
  const household: HouseholdSpec = { annualKwh: 3500, pvKwp: 8, battery: spec, heatPump: { annualKwh: 3000 } };
  const start = at("2026-05-01T22:00:00Z");

  it("balances each step: energy in = out + losses + change of charge, and the meter sees the net", () => {
    let stored = 0n;
    let cycled = 0n;
    for (let k = 0; k < 3 * 96; k++) {
      const e = stepEnergy(household, 4, start + k * 900, 900, 5, undefined, stored);
      assert.equal(
        e.batteryChargeMicroWh - e.batteryDischargeMicroWh,
        e.batteryMicroWh - stored + e.batteryLossMicroWh,
      );
      assert.ok(e.batteryMicroWh >= 0n && e.batteryMicroWh <= 5_000_000_000n);
      assert.ok(e.batteryChargeMicroWh <= 750_000_000n && e.batteryDischargeMicroWh <= 750_000_000n);
      // import − export = demand − PV + charged − discharged, to the µWh roundings of the six sums.
      const net = e.loadMicroWh + e.heatPumpMicroWh + e.evMicroWh - e.pvMicroWh;
      const metered = e.importMicroWh - e.exportMicroWh;
      const difference = metered - (net + e.batteryChargeMicroWh - e.batteryDischargeMicroWh);
      assert.ok(difference >= -3n && difference <= 3n, `step ${k}: ${difference} µWh`);
      cycled += e.batteryDischargeMicroWh;
      stored = e.batteryMicroWh;
    }
    assert.ok(cycled > 5_000_000_000n, `${cycled} µWh discharged in three May days`);
  });

  it("gives the same battery in minute steps as in quarter-hour steps", () => {
    let [byMinute, byQuarter] = [0n, 0n];
    for (let k = 0; k < 96; k++) {
      byQuarter = stepEnergy(household, 4, start + k * 900, 900, 5, undefined, byQuarter).batteryMicroWh;
      for (let m = 0; m < 15; m++) {
        byMinute = stepEnergy(household, 4, start + k * 900 + m * 60, 60, 5, undefined, byMinute).batteryMicroWh;
      }
      assert.equal(byMinute, byQuarter, `interval ${k}`);
    }
  });
});
