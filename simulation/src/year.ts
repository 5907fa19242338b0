/**
 * The offline year: every 15-minute interval of a scenario's year through the reference settlement,
 * summed per household and for the neighbourhood (totals.ts), with the series for the plots
 * (series.ts). `simulateYear` runs in the calling thread; `simulateYearParallel` (year-parallel.ts)
 * splits the year across worker threads and gives the same result.
 */
import type { SettleIntervalReturnType } from "@nachbarstrom/core";
import type { BatterySpec } from "./battery.ts";
import type { EvSpec } from "./ev.ts";
import type { HeatPumpSpec } from "./heat-pump.ts";
import { NachbarstromError } from "@nachbarstrom/core";
import { yearBounds, type Scenario } from "./scenario.ts";
import { seriesOf, type Series } from "./series.ts";
import {
  householdTotals,
  neighbourhoodTotals,
  type EnergyTotals,
  type MoneyTotals,
  type NeighbourhoodTotals,
} from "./totals.ts";
import { settleRange, SUMS, type RangeSums } from "./year-range.ts";

export type SimulateYearParameters = {
  scenario: Scenario;
  /** First interval (unix seconds, a multiple of 900); default: 1 January 00:00 German time of the scenario's year. */
  startUnix?: number;
  /** How many intervals; default: to the end of the year (35,040, or 35,136 in a leap year). */
  intervals?: number;
  /** Called after each interval with its settlement (for tests and replays). */
  onInterval?: (startUnix: number, settlement: SettleIntervalReturnType) => void;
  /** Called after every 96 intervals and at the end. */
  onProgress?: (done: number, total: number) => void;
};

export type HouseholdYear = {
  label: string;
  meteringPointId: string;
  annualKwh: number;
  pvKwp: number;
  heatPump?: HeatPumpSpec;
  ev?: EvSpec;
  battery?: BatterySpec;
  energy: EnergyTotals;
  money: MoneyTotals;
};

export type YearResult = {
  scenario: {
    name: string;
    slug: string;
    year: number;
    households: number;
    withPv: number;
    withHeatPump: number;
    withEv: number;
    withBattery: number;
  };
  /** First interval and how many were settled. */
  startUnix: number;
  intervals: number;
  households: HouseholdYear[];
  total: NeighbourhoodTotals;
  series: Series;
};

export function simulateYear(parameters: SimulateYearParameters): YearResult {
  const { scenario, onInterval, onProgress } = parameters;
  const { startUnix, intervals } = yearRange(scenario, parameters.startUnix, parameters.intervals);
  const sums = settleRange({
    scenario,
    fromUnix: startUnix,
    startUnix,
    intervals,
    onInterval,
    onProgress: onProgress && ((done) => onProgress(done, intervals)),
  });
  onProgress?.(intervals, intervals);
  return yearResult(scenario, startUnix, intervals, sums);
}

/** The range a run covers, checked: whole intervals, by default the scenario's year. */
export function yearRange(
  scenario: Scenario,
  start?: number,
  count?: number,
): { startUnix: number; intervals: number } {
  const bounds = yearBounds(scenario.year);
  const startUnix = start ?? bounds.startUnix;
  const intervals = count ?? (bounds.endUnix - startUnix) / 900;
  if (!Number.isSafeInteger(startUnix / 900)) {
    throw new NachbarstromError(`startUnix must be a multiple of 900 s (got ${startUnix})`);
  }
  if (!Number.isSafeInteger(intervals) || intervals < 1) {
    throw new NachbarstromError(`intervals must be a positive integer (got ${intervals})`);
  }
  return { startUnix, intervals };
}

/** Turns the summed doubles into the result: exact bigint totals per household, the neighbourhood's, the series. */
export function yearResult(scenario: Scenario, startUnix: number, intervals: number, range: RangeSums): YearResult {
  const count = scenario.households.length;
  const households = scenario.households.map((household, h): HouseholdYear => {
    const sum = (name: (typeof SUMS)[number]): bigint => {
      const value = range.sums[SUMS.indexOf(name) * count + h];
      if (!Number.isSafeInteger(value)) {
        throw new NachbarstromError(`${name} of household ${h} is ${value}, beyond exact integers in a double`, {
          details: "the scenario limits should prevent this: lower annualKwh, pvKwp or the prices",
        });
      }
      return BigInt(value);
    };
    return {
      label: household.label,
      meteringPointId: household.meteringPointId,
      annualKwh: household.annualKwh,
      pvKwp: household.pvKwp,
      ...(household.heatPump === undefined ? {} : { heatPump: household.heatPump }),
      ...(household.ev === undefined ? {} : { ev: household.ev }),
      ...(household.battery === undefined ? {} : { battery: household.battery }),
      ...householdTotals({
        importWh: sum("importWh"),
        exportWh: sum("exportWh"),
        productionWh: sum("productionMicroWh") / 1_000_000n,
        localBoughtWh: sum("localBoughtWh"),
        localSoldWh: sum("localSoldWh"),
        paid: sum("paid"),
        received: sum("received"),
        gridOnlyPaid: sum("gridOnlyPaid"),
        gridOnlyReceived: sum("gridOnlyReceived"),
        heatPumpWh: sum("heatPumpMicroWh") / 1_000_000n,
        evWh: sum("evMicroWh") / 1_000_000n,
        batteryChargedWh: sum("batteryChargeMicroWh") / 1_000_000n,
        batteryDischargedWh: sum("batteryDischargeMicroWh") / 1_000_000n,
      }),
    };
  });
  return {
    scenario: {
      name: scenario.name,
      slug: scenario.slug,
      year: scenario.year,
      households: count,
      withPv: scenario.households.filter((h) => h.pvKwp > 0).length,
      withHeatPump: scenario.households.filter((h) => h.heatPump !== undefined).length,
      withEv: scenario.households.filter((h) => h.ev !== undefined).length,
      withBattery: scenario.households.filter((h) => h.battery !== undefined).length,
    },
    startUnix,
    intervals,
    households,
    total: neighbourhoodTotals(households),
    series: seriesOf(scenario.year, range.series),
  };
}
