/**
 * The neighbourhood's flows over the year for the plots: a monthly energy balance and the mean
 * quarter hours of a summer (July) and a winter (January) day, in German time.
 *
 * Summed as whole milliwatt-hours in one flat array of doubles (exact integers, so the sums do not
 * depend on the order they are added in: a year split across worker threads adds up to the same
 * numbers), turned into kWh and mean kW at the end.
 */
import { germanSecondsOfDay, germanUtcOffsetSeconds } from "./clock.ts";

export const FLOWS = [
  "consumption",
  "production",
  "selfConsumed",
  "localBought",
  "localSold",
  "gridImport",
  "gridExport",
] as const;
export type Flow = (typeof FLOWS)[number];
/**
 * consumption ≈ selfConsumed + localBought + gridImport, production ≈ selfConsumed + localSold + gridExport:
 * equal but for the model's rounding to the µWh and the meters' sub-Wh carry (a few mWh per interval).
 */
export type Flows = Record<Flow, number>;

/** Mean power per German quarter hour of the day (96 values, 00:00–00:15 first), in kW. */
export type DayProfile = { month: number; days: number; quarterHours: Flows[] };

/** monthly: energy per German calendar month in kWh, January first. */
export type Series = { monthly: Flows[]; summerDay: DayProfile; winterDay: DayProfile };

const WIDTH = FLOWS.length;
const SUMMER = 6;
const WINTER = 0;
/** Rows of the flat array: 12 months, then 96 quarter hours of July, then 96 of January. */
const ROWS = 12 + 2 * 96;
export const SERIES_LENGTH = ROWS * WIDTH;

export type SeriesAccumulator = {
  /** Whole mWh per row and flow; add another accumulator's data element by element to merge. */
  readonly data: Float64Array;
  /** Adds one interval's neighbourhood flows, in whole mWh. */
  add(startUnix: number, milliWh: Flows): void;
};

export function createSeries(year: number): SeriesAccumulator {
  const starts = monthStarts(year);
  const data = new Float64Array(SERIES_LENGTH);
  let month = 0;
  return {
    data,
    add(startUnix, milliWh) {
      while (month < 11 && startUnix >= starts[month + 1]) month++;
      addRow(data, month, milliWh);
      if (month === SUMMER || month === WINTER) {
        const quarterHour = Math.floor(germanSecondsOfDay(startUnix) / 900);
        addRow(data, 12 + (month === SUMMER ? 0 : 96) + quarterHour, milliWh);
      }
    },
  };
}

/** The plots' numbers from the summed data: kWh per month, mean kW per quarter hour of the day. */
export function seriesOf(year: number, data: Float64Array): Series {
  const starts = monthStarts(year);
  const row = (index: number, factor: number): Flows =>
    Object.fromEntries(FLOWS.map((flow, f) => [flow, data[index * WIDTH + f] * factor])) as Flows;
  const profile = (month: number, firstRow: number): DayProfile => {
    const days = Math.round((starts[month + 1] - starts[month]) / 86_400);
    // mWh per quarter hour × 4 / 10^6 = kW, averaged over the month's days.
    const quarterHours = Array.from({ length: 96 }, (_, q) => row(firstRow + q, 4 / 1e6 / days));
    return { month: month + 1, days, quarterHours };
  };
  return {
    monthly: Array.from({ length: 12 }, (_, m) => row(m, 1 / 1e6)),
    summerDay: profile(SUMMER, 12),
    winterDay: profile(WINTER, 12 + 96),
  };
}

/** German local midnight at the start of each month and of the next January, as unix seconds. */
function monthStarts(year: number): number[] {
  return Array.from({ length: 13 }, (_, m) => {
    const utcMidnight = Date.UTC(year, m, 1) / 1000;
    // Clocks never change at a month's start, so the offset an hour earlier is the one in force.
    return utcMidnight - germanUtcOffsetSeconds(utcMidnight - 3600);
  });
}

function addRow(data: Float64Array, row: number, milliWh: Flows): void {
  const at = row * WIDTH;
  data[at] += milliWh.consumption;
  data[at + 1] += milliWh.production;
  data[at + 2] += milliWh.selfConsumed;
  data[at + 3] += milliWh.localBought;
  data[at + 4] += milliWh.localSold;
  data[at + 5] += milliWh.gridImport;
  data[at + 6] += milliWh.gridExport;
}
