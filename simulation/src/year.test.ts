import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { pricesOf, settleInterval, type SettleIntervalReturnType } from "@nachbarstrom/core";
import { simulateReadings } from "./day.ts";
import { stepEnergy } from "./profiles.ts";
import { loadScenario, yearBounds, type Scenario } from "./scenario.ts";
import { FLOWS } from "./series.ts";
import { offlineMeterNumber } from "./year-range.ts";
import { simulateYear, type YearResult } from "./year.ts";
import { simulateYearParallel } from "./year-parallel.ts";

const scenarioFile = (name: string) => new URL(`../scenarios/${name}`, import.meta.url).pathname;
let demo: Scenario;
let year: YearResult;

before(async () => {
  demo = await loadScenario(scenarioFile("demo.json"));
  year = simulateYear({ scenario: demo });
});

describe("simulateYear", () => {
  it("settles each interval exactly as settleInterval does on the simulated readings", () => {
    const startAt = new Date("2026-06-20T22:00:00Z"); // midsummer day, German midnight
    const intervals = 2 * 96;
    const settled: SettleIntervalReturnType[] = [];
    const short = simulateYear({
      scenario: demo,
      startUnix: startAt.getTime() / 1000,
      intervals,
      onInterval: (_, settlement) => settled.push(settlement),
    });

    const neighbourhood = { slug: demo.slug, households: demo.households, site: demo.site };
    const readings = simulateReadings({
      neighbourhood,
      startAt,
      steps: intervals + 1,
      stepSeconds: 900,
      seed: demo.seed,
    });
    const n = demo.households.length;
    const expected = Array.from({ length: intervals }, (_, k) =>
      settleInterval({
        tariff: demo.tariff,
        meters: demo.households.map((_, h) => {
          const [before, after] = [readings[k * n + h].payload, readings[(k + 1) * n + h].payload];
          return {
            number: offlineMeterNumber(h),
            importWh: BigInt(after.importWh - before.importWh),
            exportWh: BigInt(after.exportWh - before.exportWh),
          };
        }),
      }),
    );
    assert.deepEqual(settled, expected);

    // The sums are the sums of those settlements, and the grid-only bill is settlement's rounding per interval.
    const { gridNet, vatFactor, feedIn } = pricesOf(demo.tariff);
    short.households.forEach((household, h) => {
      let loadMicroWh = 0n;
      for (let k = 0; k < intervals; k++) {
        loadMicroWh += stepEnergy(
          demo.households[h],
          h,
          startAt.getTime() / 1000 + k * 900,
          900,
          demo.seed,
        ).loadMicroWh;
      }
      const load = loadMicroWh / 1_000_000n;
      assert.ok(household.energy.consumptionWh - load <= 3n && load - household.energy.consumptionWh <= 3n);
      const mine = expected.map((interval) => interval.meters[h]);
      const sum = (pick: (m: (typeof mine)[number]) => bigint) => mine.reduce((total, m) => total + pick(m), 0n);
      assert.equal(
        household.energy.importWh,
        sum((m) => m.importWh),
      );
      assert.equal(
        household.energy.localBoughtWh,
        sum((m) => m.contractBoughtWh + m.poolBoughtWh),
      );
      assert.equal(
        household.energy.localSoldWh,
        sum((m) => m.contractSoldWh + m.poolSoldWh),
      );
      assert.equal(
        household.money.paid,
        sum((m) => m.debit),
      );
      assert.equal(
        household.money.received,
        sum((m) => m.credit),
      );
      assert.equal(
        household.money.gridOnlyPaid,
        sum((m) => (m.importWh * gridNet * vatFactor) / 10_000_000n),
      );
      assert.equal(
        household.money.gridOnlyReceived,
        sum((m) => (m.exportWh * feedIn) / 1000n),
      );
    });
  });

  it("conserves energy per household and in total over the year", () => {
    const { startUnix, endUnix } = yearBounds(2026);
    assert.equal(year.intervals, (endUnix - startUnix) / 900);
    const all = [...year.households.map((h) => h.energy), year.total.energy];
    for (const e of all) {
      assert.equal(e.consumptionWh, e.selfConsumedWh + e.localBoughtWh + e.gridImportWh);
      assert.equal(e.productionWh, e.selfConsumedWh + e.localSoldWh + e.gridExportWh);
      assert.equal(e.importWh, e.localBoughtWh + e.gridImportWh);
      assert.equal(e.exportWh, e.localSoldWh + e.gridExportWh);
      for (const value of Object.values(e)) assert.ok(value >= 0n);
    }
    for (const key of Object.keys(year.total.energy) as (keyof YearResult["total"]["energy"])[]) {
      assert.equal(
        year.total.energy[key],
        year.households.reduce((t, h) => t + h.energy[key], 0n),
        key,
      );
    }
    // Pool shares are floored on both sides: buyers may get a few Wh more than sellers are credited with.
    const gap = year.total.energy.localBoughtWh - year.total.energy.localSoldWh;
    assert.ok(gap >= 0n && gap <= BigInt(demo.households.length * year.intervals), `gap ${gap} Wh`);
    year.households.forEach((h) => {
      const kwh = Number(h.energy.consumptionWh) / 1000;
      assert.ok(Math.abs(kwh / h.annualKwh - 1) < 0.015, `${h.label}: ${kwh} kWh for ${h.annualKwh}`);
      assert.equal(h.energy.productionWh > 0n, h.pvKwp > 0, h.label);
    });
  });

  it("conserves money: Σ paid = Σ received + the utility's receipts, which the tariff explains", () => {
    const { money, utilityRevenue, utilityRevenueGridOnly } = year.total;
    assert.equal(money.paid, money.received + utilityRevenue);
    assert.equal(money.savings, utilityRevenueGridOnly - utilityRevenue);
    // Each household's debits and credits are its energy at the tariff's prices, floored once per interval.
    const p = pricesOf(demo.tariff);
    const slack = BigInt(year.intervals);
    for (const { energy: e, money: m } of year.households) {
      const debit = (e.gridImportWh * p.gridNet + e.localBoughtWh * (p.community + p.localSurcharge)) * p.vatFactor;
      const credit = e.localSoldWh * p.community + e.gridExportWh * p.feedIn;
      assert.ok(m.paid * 10_000_000n <= debit && (m.paid + slack) * 10_000_000n > debit);
      assert.ok(m.received * 1000n <= credit && (m.received + slack) * 1000n > credit);
      assert.ok(m.savings > 0n);
    }
  });

  it("gives key figures and series that agree with the totals", () => {
    const { kpis, energy } = year.total;
    assert.ok(kpis.selfSufficiency !== null && kpis.selfSufficiencyAlone !== null);
    assert.ok(kpis.selfSufficiency > kpis.selfSufficiencyAlone && kpis.selfSufficiency < 1);
    assert.equal(kpis.localShareOfImport, Number(energy.localBoughtWh) / Number(energy.importWh));
    const monthly = (flow: (typeof FLOWS)[number]) => year.series.monthly.reduce((t, m) => t + m[flow], 0);
    assert.ok(Math.abs(monthly("consumption") / (Number(energy.consumptionWh) / 1000) - 1) < 1e-4);
    assert.ok(Math.abs(monthly("localBought") - Number(energy.localBoughtWh) / 1000) < 1e-6);
    assert.ok(Math.abs(monthly("gridExport") - Number(energy.gridExportWh) / 1000) < 1e-6);
    assert.equal(year.series.summerDay.days, 31);
    const noon = year.series.summerDay.quarterHours[13 * 4];
    assert.ok(noon.production > noon.consumption && year.series.winterDay.quarterHours[0].production === 0);
  });

  it("rejects a start off the quarter hour and an empty range", () => {
    assert.throws(
      () => simulateYear({ scenario: demo, startUnix: 100 }),
      /startUnix must be a multiple of 900 s \(got 100\)/,
    );
    assert.throws(
      () => simulateYear({ scenario: demo, intervals: 0 }),
      /intervals must be a positive integer \(got 0\)/,
    );
  });
});

describe("simulateYearParallel", () => {
  it("gives exactly what one thread gives, across its workers' boundaries", async () => {
    const quarter = await loadScenario(scenarioFile("quartier-37.json"));
    const range = { startUnix: Date.parse("2026-03-27T23:00:00Z") / 1000, intervals: 3 * 96 + 10 };
    const progress: number[] = [];
    const parallel = await simulateYearParallel({
      scenario: quarter,
      ...range,
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(parallel, simulateYear({ scenario: quarter, ...range }));
    assert.equal(progress.at(-1), range.intervals);
  });
});

describe("a year with heat pumps, cars and batteries (quartier-37)", () => {
  it("gives the devices' annual energy, balances each household, and equals the parallel run", async () => {
    const quarter = await loadScenario(scenarioFile("quartier-37.json"));
    const serial = simulateYear({ scenario: quarter });
    assert.deepEqual(await simulateYearParallel({ scenario: quarter, workers: 3 }), serial);
    assert.deepEqual([serial.scenario.withHeatPump, serial.scenario.withEv, serial.scenario.withBattery], [7, 6, 5]);
    for (const h of serial.households) {
      const e = h.energy;
      const kwh = (wh: bigint) => Number(wh) / 1000;
      // Tolerances: heat pump 0.1 % (days normalised per year), car 1 % (sessions end on the minute grid).
      if (h.heatPump) assert.ok(Math.abs(kwh(e.heatPumpWh) / h.heatPump.annualKwh - 1) < 0.001, h.label);
      else assert.equal(e.heatPumpWh, 0n);
      if (h.ev) {
        const annual = (h.ev.annualKm * h.ev.kWhPer100km) / 100;
        assert.ok(Math.abs(kwh(e.evWh) / annual - 1) < 0.01, `${h.label}: ${kwh(e.evWh)} of ${annual} kWh`);
      } else assert.equal(e.evWh, 0n);
      // Consumption behind the meter = household + heat pump + car + what the battery kept (losses, charge left).
      const kept = e.batteryChargedWh - e.batteryDischargedWh;
      const devices = kwh(e.heatPumpWh) + kwh(e.evWh) + kwh(kept);
      assert.ok(Math.abs((kwh(e.consumptionWh) - devices) / h.annualKwh - 1) < 0.015, h.label);
      if (h.battery) {
        // About 90 % comes back out; a few hundred full cycles a year.
        const roundTrip = Number(e.batteryDischargedWh) / Number(e.batteryChargedWh);
        assert.ok(roundTrip > 0.88 && roundTrip < 0.9 + 1e-6, `${h.label}: ${roundTrip}`);
        const cycles = kwh(e.batteryDischargedWh) / h.battery.capacityKwh;
        assert.ok(cycles > 100 && cycles < 365, `${h.label}: ${cycles} cycles`);
      } else assert.equal(e.batteryChargedWh, 0n);
    }
    // Winter demand above summer's: the heat pumps.
    const monthly = serial.series.monthly;
    assert.ok(monthly[0].consumption > 1.4 * monthly[6].consumption);
  });

  it("is deterministic for a seed and differs for another", async () => {
    const quarter = await loadScenario(scenarioFile("quartier-37.json"));
    const range = { startUnix: Date.parse("2026-01-10T23:00:00Z") / 1000, intervals: 2 * 96 };
    const once = simulateYear({ scenario: quarter, ...range });
    assert.deepEqual(simulateYear({ scenario: quarter, ...range }), once);
    assert.notDeepEqual(simulateYear({ scenario: { ...quarter, seed: 38 }, ...range }).total, once.total);
  });
});
