import type { Tariff } from "@nachbarstrom/core/tariff";
import type { Address } from "viem";
import { comparisons } from "./breakdown.ts";
import {
  billingMonthOf,
  dayOf,
  dayRange,
  monthOfDay,
  monthParam,
  monthRange,
  nextBillingMonth,
  previousMonth,
  shiftDay,
} from "./calendar.ts";
import {
  priceAll,
  flowsPerInterval,
  totalsOf,
  type IntervalFlow,
  type PricedMeterInterval,
  type Totals,
} from "./priced.ts";
import type { ReadModelDb } from "../read-model/store.ts";
import { correctionsOf, costCapCreditOf, meterIntervalsOf, tariffsOfOwner, type TariffPeriod } from "./queries.ts";
import { statementMoney, type StatementMoney } from "./statement-lines.ts";
import { intervalOf } from "@nachbarstrom/core/units";

/** Totals with the comparisons against grid-only supply and feed-in only (base units). */
export type PeriodFigures = Totals & { saving: bigint; extraIncome: bigint };

function figures(rows: readonly PricedMeterInterval[]): PeriodFigures {
  const totals = totalsOf(rows);
  return { ...totals, ...comparisons(totals.money) };
}

export type FlowsView = {
  day: string;
  today: string;
  previousDay: string;
  /** Undefined when `day` is today: the future has no flows. */
  nextDay: string | undefined;
  /** The billing month of `day`, as YYYY-MM. */
  month: string;
  /** Number of intervals the day has (92, 96 or 100) and its first. */
  dayFirstInterval: bigint;
  dayIntervals: number;
  intervals: IntervalFlow[];
  dayFigures: PeriodFigures;
  monthFigures: PeriodFigures;
};

/** Today in German local time. */
export function today(now: Date = new Date()): string {
  return dayOf(intervalOf(now.getTime() / 1000));
}

/** The flows page of `owner` for local day `day`, with that day's and its month's totals. */
export async function flowsView(
  db: ReadModelDb,
  owner: Address,
  day: string,
  now: Date = new Date(),
): Promise<FlowsView> {
  const periods = await tariffsOfOwner(db, owner);
  const range = dayRange(day);
  const month = monthOfDay(day);
  const dayRows = await meterIntervalsOf(db, owner, range);
  const monthIntervalRows = await meterIntervalsOf(db, owner, monthRange(month));
  const todayDay = today(now);
  return {
    day,
    today: todayDay,
    previousDay: shiftDay(day, -1),
    nextDay: day < todayDay ? shiftDay(day, 1) : undefined,
    month: monthParam(month),
    dayFirstInterval: range.from,
    dayIntervals: Number(range.to - range.from),
    intervals: flowsPerInterval(dayRows),
    dayFigures: figures(priceAll(dayRows, periods)),
    monthFigures: figures(priceAll(monthIntervalRows, periods)),
  };
}

export type StatementView = {
  owner: Address;
  /** YYYY-MM */
  month: string;
  previousMonth: string;
  nextMonth: string | undefined;
  firstInterval: bigint;
  endInterval: bigint;
  figures: PeriodFigures;
  money: StatementMoney;
  corrections: bigint;
  costCap: bigint;
  /** The tariffs that priced intervals of the month, with the first interval each priced. */
  tariffs: { neighbourhood: string; from: bigint; tariff: Tariff }[];
};

/** The priced meter-intervals of `owner` in billing month yyyymm, for the statement and its CSV. */
export async function monthRows(db: ReadModelDb, owner: Address, yyyymm: number): Promise<PricedMeterInterval[]> {
  return priceAll(await meterIntervalsOf(db, owner, monthRange(yyyymm)), await tariffsOfOwner(db, owner));
}

/** The monthly statement of `owner` for billing month yyyymm. */
export async function statementView(
  db: ReadModelDb,
  owner: Address,
  yyyymm: number,
  now: Date = new Date(),
): Promise<StatementView> {
  const range = monthRange(yyyymm);
  const periods = await tariffsOfOwner(db, owner);
  const rows = priceAll(await meterIntervalsOf(db, owner, range), periods);
  const totals = figures(rows);
  const corrections = await correctionsOf(db, owner, range);
  const costCap = await costCapCreditOf(db, owner, yyyymm);
  const current = billingMonthOf(intervalOf(now.getTime() / 1000));
  return {
    owner,
    month: monthParam(yyyymm),
    previousMonth: monthParam(previousMonth(yyyymm)),
    nextMonth: yyyymm < current ? monthParam(nextBillingMonth(yyyymm)) : undefined,
    firstInterval: range.from,
    endInterval: range.to,
    figures: totals,
    money: statementMoney(totals, corrections, costCap),
    corrections,
    costCap,
    tariffs: tariffsInForce(periods, range.from, range.to),
  };
}

/** The tariff periods that overlap [from, to): the one in force at `from` and any that start later. */
export function tariffsInForce(periods: readonly TariffPeriod[], from: bigint, to: bigint): StatementView["tariffs"] {
  const result: StatementView["tariffs"] = [];
  const hoods = [...new Set(periods.map((p) => p.neighbourhood))];
  for (const hood of hoods) {
    const own = periods.filter((p) => p.neighbourhood === hood);
    own.forEach((p, i) => {
      const until = own[i + 1]?.effectiveFrom;
      if (p.effectiveFrom < to && (until === undefined || until > from)) {
        result.push({ neighbourhood: hood, from: p.effectiveFrom > from ? p.effectiveFrom : from, tariff: p.tariff });
      }
    });
  }
  return result;
}
