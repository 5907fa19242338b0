import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { firstDayNumberOf } from "./clock.ts";
import { dailyTemperature, heatPumpDayFactor, heatPumpShape } from "./heat-pump.ts";
import { createIntervalEnergy } from "./interval-energy.ts";
import { yearBounds } from "./scenario.ts";
import { AACHEN } from "./solar.ts";

describe("dailyTemperature", () => {
  it("follows Aachen's climate: about 2.7 °C in January, 18 °C in July, spells of a few days", () => {
    const jan = firstDayNumberOf(2026);
    const jul = jan + 181;
    const mean = (from: number, days: number, seed: number) =>
      Array.from({ length: days }, (_, i) => dailyTemperature(from + i, seed, AACHEN)).reduce((a, b) => a + b) / days;
    // Over ten Januaries and Julys (seeds), within half a kelvin of the climate.
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const january = seeds.map((s) => mean(jan, 31, s)).reduce((a, b) => a + b) / 10;
    const july = seeds.map((s) => mean(jul, 31, s)).reduce((a, b) => a + b) / 10;
    assert.ok(Math.abs(january - 2.75) < 0.8, `January ${january} °C`);
    assert.ok(Math.abs(july - 18.1) < 0.8, `July ${july} °C`);
    // Day-to-day: consecutive days are closer than days a week apart.
    const days = Array.from({ length: 365 }, (_, i) => dailyTemperature(jan + i, 1, AACHEN));
    const step = (lag: number) => days.slice(lag).reduce((t, d, i) => t + Math.abs(d - days[i]), 0) / (365 - lag);
    assert.ok(step(1) < step(7) * 0.7, `${step(1)} K from day to day, ${step(7)} K a week apart`);
    assert.equal(dailyTemperature(jan, 1, AACHEN), dailyTemperature(jan, 1, AACHEN));
    assert.notEqual(dailyTemperature(jan, 1, AACHEN), dailyTemperature(jan, 2, AACHEN));
  });
});

describe("heat pump", () => {
  it("has a daily shape of mean 1 with the morning setpoint above the night setback", () => {
    let sum = 0;
    for (let minute = 0; minute < 1440; minute++) sum += heatPumpShape(minute * 60);
    assert.ok(Math.abs(sum / 1440 - 1) < 1e-9);
    assert.ok(heatPumpShape(7 * 3600) > 1.4 * heatPumpShape(2 * 3600));
    assert.ok(heatPumpShape(19 * 3600) > heatPumpShape(13 * 3600));
  });

  it("draws its annual electricity in the year, most of it in winter", () => {
    const { startUnix, endUnix } = yearBounds(2026);
    const households = [
      { annualKwh: 0, pvKwp: 0, heatPump: { annualKwh: 4000 } },
      { annualKwh: 0, pvKwp: 0, heatPump: { annualKwh: 2500 } },
    ];
    for (const seed of [1, 37]) {
      const model = createIntervalEnergy({ households, seed, site: AACHEN });
      const monthly = new Array<number>(12).fill(0);
      const yearly = [0, 0];
      for (let t = startUnix; t < endUnix; t += 900) {
        model.compute(t);
        const month = new Date((t + 3600) * 1000).getUTCMonth();
        monthly[month] += model.heatPumpMicroWh[0] / 1e9;
        yearly[0] += model.heatPumpMicroWh[0] / 1e9;
        yearly[1] += model.heatPumpMicroWh[1] / 1e9;
      }
      // Tolerance: the days add up to the annual electricity exactly; the clock changes (a 23- and a
      // 25-hour day) and the µWh rounding move it by less than 0.1 %.
      assert.ok(Math.abs(yearly[0] / 4000 - 1) < 0.001, `seed ${seed}: ${yearly[0]} kWh`);
      assert.ok(Math.abs(yearly[1] / 2500 - 1) < 0.001, `seed ${seed}: ${yearly[1]} kWh`);
      const winter = monthly[0] + monthly[1] + monthly[11];
      const summer = monthly[5] + monthly[6] + monthly[7];
      // December to February bring about 43 % (German heat pumps: about 40–50 %).
      assert.ok(winter > 0.38 * yearly[0], `seed ${seed}: winter ${winter} of ${yearly[0]} kWh`);
      assert.ok(summer < 0.12 * yearly[0] && summer > 0.02 * yearly[0], `seed ${seed}: summer ${summer} kWh`);
      assert.ok(monthly[0] > 4 * monthly[6], `seed ${seed}: January ${monthly[0]}, July ${monthly[6]} kWh`);
    }
  });

  it("uses a factor per day that adds up to 1000 Wh / 24 h over a German year", () => {
    let sum = 0;
    for (let d = firstDayNumberOf(2028); d < firstDayNumberOf(2029); d++) sum += heatPumpDayFactor(d, 3, AACHEN);
    assert.ok(Math.abs(sum - 1000 / 24) < 1e-9, `${sum}`);
  });
});
