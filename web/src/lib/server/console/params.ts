import { firstIntervalOf, nextBillingMonth } from "@nachbarstrom/core/billing-month";
import { isHex, type Hex } from "viem";

/** A query parameter the console could not read: which one, and the value it got. */
export class ConsoleParameterError extends Error {
  override name = "ConsoleParameterError";
  readonly shortMessage: string;
  readonly details: string;
  /** The parameter, for the message next to its field. */
  readonly field: string;
  constructor(field: string, value: string, expected: string) {
    super(`${field} must be ${expected}, got ${JSON.stringify(value)}`);
    this.shortMessage = `Invalid ${field}`;
    this.details = `${field} must be ${expected}, got ${JSON.stringify(value)}`;
    this.field = field;
  }
}

/** A billing month as yyyymm (e.g. 202605) from "YYYY-MM". */
export function parseMonth(value: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12 || Number(match[1]) < 1970) {
    throw new ConsoleParameterError("month", value, "a month as YYYY-MM");
  }
  return Number(match[1]) * 100 + month;
}

/** yyyymm as "YYYY-MM". */
export function monthText(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, "0")}`;
}

/** The intervals of billing month yyyymm (German local time): [from, to). */
export function monthIntervals(yyyymm: number): { from: bigint; to: bigint } {
  return { from: firstIntervalOf(yyyymm), to: firstIntervalOf(nextBillingMonth(yyyymm)) };
}

/** The intervals of a calendar day in German local time ("YYYY-MM-DD"): [from, to); 92, 96 or 100 of them. */
export function dayIntervals(value: string): { from: bigint; to: bigint } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const utc = Date.UTC(year, month - 1, day);
  const valid =
    match && year >= 1970 && new Date(utc).getUTCMonth() === month - 1 && new Date(utc).getUTCDate() === day;
  if (!valid) throw new ConsoleParameterError("date", value, "a date as YYYY-MM-DD");
  return { from: berlinMidnight(utc), to: berlinMidnight(utc + 86_400_000) };
}

/** The first interval of the German day that starts at UTC midnight `utcMidnightMs` (local midnight is 1 or 2 hours earlier). */
function berlinMidnight(utcMidnightMs: number): bigint {
  const hour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", hourCycle: "h23" });
  const offsetHours = [1, 2].find((h) => hour.format(utcMidnightMs - h * 3_600_000) === "00") ?? 1;
  return BigInt((utcMidnightMs - offsetHours * 3_600_000) / 900_000);
}

/** A neighbourhood id (bytes32 hex) from the query; lower case, as the read model stores ids. */
export function parseNeighbourhood(value: string): Hex {
  if (!isHex(value, { strict: true }) || value.length !== 66) {
    throw new ConsoleParameterError("neighbourhood", value, "a neighbourhood id (0x and 64 hex digits)");
  }
  return value.toLowerCase() as Hex;
}

/** An interval number (whole, ≥ 0) from the path. */
export function parseInterval(value: string): bigint {
  if (!/^\d{1,15}$/.test(value)) throw new ConsoleParameterError("interval", value, "an interval number");
  return BigInt(value);
}

/** A page number (1, 2, …) from the query; missing or empty is page 1. */
export function parsePage(value: string | null): number {
  if (value === null || value === "") return 1;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1)
    throw new ConsoleParameterError("page", value, "a page number ≥ 1");
  return Number(value);
}
