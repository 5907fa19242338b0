import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { germanSecondsOfDay } from "./clock.ts";
import { evAnnualKwh, evSchedule, evWatts, isWeekend } from "./ev.ts";
import { createIntervalEnergy } from "./interval-energy.ts";
import { yearBounds } from "./scenario.ts";
import { AACHEN } from "./solar.ts";

const ev = { annualKm: 14_000, kWhPer100km: 18, chargerKw: 11 };

describe("evSchedule", () => {
  it("plans about three sessions a week, in the evening on workdays, that add up to the year's energy", () => {
    for (const [seed, index] of [
      [1, 0],
      [37, 5],
      [-9, 120],
    ]) {
      const schedule = evSchedule(ev, index, seed, 2026);
      assert.deepEqual(evSchedule(ev, index, seed, 2026), schedule);
      let [sessions, hours, longest] = [0, 0, 0];
      let lastEnd = 0;
      for (let i = 0; i < schedule.arrival.length; i++) {
        const duration = schedule.end[i] - schedule.arrival[i];
        if (duration === 0) continue;
        sessions++;
        hours += duration / 3600;
        longest = Math.max(longest, duration / 3600);
        const local = germanSecondsOfDay(schedule.arrival[i]) / 3600;
        const weekend = isWeekend(schedule.firstDay + i);
        assert.ok(weekend ? local >= 10 && local < 18 : local >= 17 && local < 20, `arrival at ${local} h`);
        assert.ok(schedule.arrival[i] >= lastEnd, "sessions never overlap");
        lastEnd = schedule.end[i];
      }
      assert.ok(sessions > 140 && sessions < 195, `${sessions} sessions`);
      assert.ok(longest < 14, `longest ${longest} h`);
      assert.ok(Math.abs((hours * ev.chargerKw) / evAnnualKwh(ev) - 1) < 1e-9);
    }
  });
});

describe("car charging in the model", () => {
  it("charges at the charger's power and the year sums to annualKm × kWhPer100km", () => {
    const { startUnix, endUnix } = yearBounds(2026);
    const households = [{ annualKwh: 0, pvKwp: 0, ev }];
    const model = createIntervalEnergy({ households, seed: 4, site: AACHEN });
    let yearly = 0;
    let fullIntervals = 0;
    for (let t = startUnix; t < endUnix; t += 900) {
      model.compute(t);
      const kwh = model.evMicroWh[0] / 1e9;
      yearly += kwh;
      // A quarter hour at 11 kW is 2.75 kWh; partial ones at the session's ends.
      assert.ok(kwh <= 2.75 + 1e-9, `${kwh} kWh at ${t}`);
      if (Math.abs(kwh - 2.75) < 1e-9) fullIntervals++;
    }
    // Tolerance: sessions end within a minute of their energy (the model's 60-second sub-steps),
    // unbiased; 160 sessions leave it within 0.2 %; plus up to a session at each end of the year.
    assert.ok(Math.abs(yearly / evAnnualKwh(ev) - 1) < 0.01, `${yearly} kWh`);
    assert.ok(fullIntervals > 0.9 * (evAnnualKwh(ev) / 2.75 - 2 * 170), `${fullIntervals} full intervals`);
    for (let t = startUnix; t < startUnix + 7 * 86_400; t += 61) {
      assert.ok([0, 11_000].includes(evWatts(ev, 0, t, 4)));
    }
  });
});
