/**
 * The offline year's inner loop: consecutive 15-minute intervals of a scenario, each through the
 * reference settlement (`settleInterval` of @nachbarstrom/core), summed per household.
 *
 * Speed: the household model runs in interval-energy.ts without allocating per household; the
 * settlement gets the same meter objects every interval with new energy, already in the ascending id
 * order it sorts them into. Per household, sums are kept in doubles: they are whole Wh and whole
 * micro-euro, and the scenario limits keep them below 2^53, so they are exact (year.ts checks).
 */
import {
  NachbarstromError,
  pricesOf,
  settleInterval,
  type SettlementMeter,
  type SettleIntervalReturnType,
} from "@nachbarstrom/core";
import { createIntervalEnergy } from "./interval-energy.ts";
import type { Scenario } from "./scenario.ts";
import { createSeries, type Flows } from "./series.ts";

/** What is summed per household, in this order; each a whole number. */
export const SUMS = [
  "importWh",
  "exportWh",
  "productionMicroWh",
  "localBoughtWh",
  "localSoldWh",
  "paid",
  "received",
  "gridOnlyPaid",
  "gridOnlyReceived",
  "heatPumpMicroWh",
  "evMicroWh",
  "batteryChargeMicroWh",
  "batteryDischargeMicroWh",
] as const;
const [
  IMPORT,
  EXPORT,
  PRODUCTION,
  BOUGHT,
  SOLD,
  PAID,
  RECEIVED,
  GRID_PAID,
  GRID_RECEIVED,
  HEAT_PUMP,
  EV,
  CHARGE,
  DISCHARGE,
] = SUMS.keys();

export type SettleRangeParameters = {
  scenario: Scenario;
  /**
   * Where the meters start, with empty sub-Wh remainders and empty batteries; from here to
   * startUnix the model runs unsettled, so remainders and batteries arrive as a single run has them.
   */
  fromUnix: number;
  /** First interval settled and summed (unix seconds, a multiple of 900). */
  startUnix: number;
  intervals: number;
  onInterval?: (startUnix: number, settlement: SettleIntervalReturnType) => void;
  /** Called after every 96 intervals with the number settled so far. */
  onProgress?: (done: number) => void;
};

/** sums[s × households + h] is sum SUMS[s] of household h; series as series.ts sums it. */
export type RangeSums = { sums: Float64Array; series: Float64Array };

/** The bigints of 0 … 4095 Wh, made once: a quarter hour's import or export nearly always is one of them. */
const SMALL = Array.from({ length: 4096 }, (_, i) => BigInt(i));

function toBigInt(wh: number): bigint {
  return wh < 4096 ? SMALL[wh] : BigInt(wh);
}

/**
 * Meter number of household `index` in the offline year: 1, 2, … in scenario order, as a registry
 * numbers meters registered in that order.
 */
export function offlineMeterNumber(index: number): number {
  return index + 1;
}

export function settleRange(parameters: SettleRangeParameters): RangeSums {
  const { scenario, fromUnix, startUnix, intervals, onInterval, onProgress } = parameters;
  const count = scenario.households.length;
  const energy = createIntervalEnergy({ households: scenario.households, seed: scenario.seed, site: scenario.site });
  for (let t = fromUnix; t < startUnix; t += 900) energy.compute(t);

  const series = createSeries(scenario.year);
  const sums = new Float64Array(SUMS.length * count);
  const meters: SettlementMeter[] = scenario.households.map((_, h) => ({
    number: offlineMeterNumber(h),
    importWh: 0n,
    exportWh: 0n,
  }));
  // Grid-only bill as settlement bills grid energy: Wh × net price × VAT factor / 10^7, Wh × feed-in / 1000, floored.
  const prices = pricesOf(scenario.tariff);
  const [gridNet, vatFactor, feedIn] = [Number(prices.gridNet), Number(prices.vatFactor), Number(prices.feedIn)];
  const flows: Flows = {
    consumption: 0,
    production: 0,
    selfConsumed: 0,
    localBought: 0,
    localSold: 0,
    gridImport: 0,
    gridExport: 0,
  };
  const at = (sum: number, h: number) => sum * count + h;

  for (let k = 0; k < intervals; k++) {
    const t = startUnix + k * 900;
    energy.compute(t);
    let loadMicroWh = 0;
    let pvMicroWh = 0;
    for (let h = 0; h < count; h++) {
      meters[h].importWh = toBigInt(energy.importWh[h]);
      meters[h].exportWh = toBigInt(energy.exportWh[h]);
      // Demand behind the meter: the household, its heat pump and car, and what its battery takes in net.
      loadMicroWh +=
        energy.loadMicroWh[h] +
        energy.heatPumpMicroWh[h] +
        energy.evMicroWh[h] +
        energy.batteryChargeMicroWh[h] -
        energy.batteryDischargeMicroWh[h];
      pvMicroWh += energy.pvMicroWh[h];
    }
    const settlement = settleInterval({ tariff: scenario.tariff, meters });
    const settled = settlement.meters;
    let localSoldWh = 0;
    for (let i = 0; i < settled.length; i++) {
      const m = settled[i];
      const h = m.number - 1;
      if (meters[h]?.number !== m.number) {
        throw new NachbarstromError(`the settlement returned an unknown meter number ${m.number}`);
      }
      const imported = energy.importWh[h];
      const exported = energy.exportWh[h];
      sums[at(IMPORT, h)] += imported;
      sums[at(EXPORT, h)] += exported;
      sums[at(PRODUCTION, h)] += energy.pvMicroWh[h];
      sums[at(HEAT_PUMP, h)] += energy.heatPumpMicroWh[h];
      sums[at(EV, h)] += energy.evMicroWh[h];
      sums[at(CHARGE, h)] += energy.batteryChargeMicroWh[h];
      sums[at(DISCHARGE, h)] += energy.batteryDischargeMicroWh[h];
      sums[at(BOUGHT, h)] += Number(m.contractBoughtWh) + Number(m.poolBoughtWh);
      const sold = Number(m.contractSoldWh) + Number(m.poolSoldWh);
      sums[at(SOLD, h)] += sold;
      localSoldWh += sold;
      sums[at(PAID, h)] += Number(m.debit);
      sums[at(RECEIVED, h)] += Number(m.credit);
      // Exact in doubles: the scenario limits keep Wh × price × VAT factor below 2^53 (scenario.ts).
      sums[at(GRID_PAID, h)] += Math.floor((imported * gridNet * vatFactor) / 10_000_000);
      sums[at(GRID_RECEIVED, h)] += Math.floor((exported * feedIn) / 1000);
    }
    // The neighbourhood's flows in whole mWh; self-consumed is what PV made and the meters did not export.
    const imported = Number(settlement.importWh) * 1000;
    const exported = Number(settlement.exportWh) * 1000;
    flows.consumption = Math.round(loadMicroWh / 1000);
    flows.production = Math.round(pvMicroWh / 1000);
    flows.selfConsumed = flows.production - exported;
    flows.localBought = Number(settlement.localWh) * 1000;
    flows.localSold = localSoldWh * 1000;
    flows.gridImport = imported - flows.localBought;
    flows.gridExport = exported - flows.localSold;
    series.add(t, flows);
    onInterval?.(t, settlement);
    if (onProgress !== undefined && (k + 1) % 96 === 0) onProgress(k + 1);
  }
  return { sums, series: series.data };
}
