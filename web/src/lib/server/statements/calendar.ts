import { billingMonthOf, firstIntervalOf, nextBillingMonth } from "@nachbarstrom/core/billing-month";
import { INTERVAL_SECONDS } from "@nachbarstrom/core/units";

/** The utility's calendar: days and billing months are German local days and months (Europe/Berlin). */
const ZONE = "Europe/Berlin";

/** A range of settlement intervals: `from` included, `to` excluded. */
export type IntervalRange = { from: bigint; to: bigint };

const dayParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function localParts(unixSeconds: number): { date: string; time: string } {
  const parts = Object.fromEntries(dayParts.formatToParts(new Date(unixSeconds * 1000)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The German local day of an interval's start, as YYYY-MM-DD. */
export function dayOf(interval: bigint): string {
  return localParts(Number(interval) * INTERVAL_SECONDS).date;
}

/** A YYYY-MM-DD string of a real calendar day, or undefined. */
export function parseDay(value: string | null | undefined): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? value! : undefined;
}

/** The intervals of German local day `day` (YYYY-MM-DD): 96, or 92 and 100 on the days the clocks change. */
export function dayRange(day: string): IntervalRange {
  return { from: dayStart(day), to: dayStart(shiftDay(day, 1)) };
}

/** The day `days` days after `day` (negative: before). */
export function shiftDay(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** The first interval of a local day: local midnight is UTC 22:00 or 23:00 the day before. */
function dayStart(day: string): bigint {
  const [year, month, date] = day.split("-").map(Number);
  const midnightUtc = Date.UTC(year, month - 1, date) / 1000;
  for (const offset of [7200, 3600]) {
    const { date: local, time } = localParts(midnightUtc - offset);
    if (local === day && time === "00:00") return BigInt((midnightUtc - offset) / INTERVAL_SECONDS);
  }
  throw new RangeError(`no local midnight found for ${day}`);
}

/** A billing month as yyyymm (billing-month.ts) from "YYYY-MM", or undefined. */
export function parseMonth(value: string | null | undefined): number | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(value ?? "");
  if (!match) return undefined;
  const [year, month] = [Number(match[1]), Number(match[2])];
  return year >= 2000 && month >= 1 && month <= 12 ? year * 100 + month : undefined;
}

/** yyyymm as "YYYY-MM". */
export function monthParam(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, "0")}`;
}

/** The intervals of billing month yyyymm. */
export function monthRange(yyyymm: number): IntervalRange {
  return { from: firstIntervalOf(yyyymm), to: firstIntervalOf(nextBillingMonth(yyyymm)) };
}

/** The billing month of a local day. */
export function monthOfDay(day: string): number {
  return billingMonthOf(dayRange(day).from);
}

/** The month before yyyymm. */
export function previousMonth(yyyymm: number): number {
  return yyyymm % 100 === 1 ? (Math.floor(yyyymm / 100) - 1) * 100 + 12 : yyyymm - 1;
}

export { billingMonthOf, nextBillingMonth };
