import { INTERVAL_SECONDS } from "@nachbarstrom/core/units";
import { toDecimalString } from "../../format/decimal.ts";
import type { PricedMeterInterval } from "./priced.ts";

/** The statement CSV's columns, in order (documented in web/README.md, "Statements"). */
export const STATEMENT_CSV_COLUMNS = [
  "interval",
  "start_utc",
  "start_local",
  "meter",
  "import_wh",
  "export_wh",
  "contract_bought_wh",
  "pool_bought_wh",
  "grid_import_wh",
  "contract_sold_wh",
  "pool_sold_wh",
  "grid_export_wh",
  "paid_eur",
  "received_eur",
  "grid_only_eur",
  "feed_in_only_eur",
] as const;

const localFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Berlin",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** An instant in German local time with its offset, e.g. 2026-03-10T14:15:00+01:00. */
export function berlinIso(unixSeconds: number): string {
  const p = Object.fromEntries(localFormat.formatToParts(new Date(unixSeconds * 1000)).map((x) => [x.type, x.value]));
  const local = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  const offsetMinutes = (Date.parse(`${local}Z`) / 1000 - unixSeconds) / 60;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Base units as euros with six decimals and a dot: exact, so the rows add up to the statement's totals. */
export const euroColumn = (units: bigint) => toDecimalString(units, 6);

/**
 * The statement as CSV (RFC 4180, UTF-8, CRLF line ends, a header row): one row per meter and settled
 * interval, oldest first. No field needs quoting: every value is a number, a time or a hex id.
 */
export function statementCsv(rows: readonly PricedMeterInterval[]): string {
  const lines = [STATEMENT_CSV_COLUMNS.join(",")];
  for (const row of rows) {
    const start = Number(row.interval) * INTERVAL_SECONDS;
    lines.push(
      [
        row.interval.toString(),
        new Date(start * 1000).toISOString().replace(".000Z", "Z"),
        berlinIso(start),
        row.meter,
        row.importWh,
        row.exportWh,
        row.contractBoughtWh,
        row.poolBoughtWh,
        row.importWh - row.contractBoughtWh - row.poolBoughtWh,
        row.contractSoldWh,
        row.poolSoldWh,
        row.exportWh - row.contractSoldWh - row.poolSoldWh,
        euroColumn(row.debit),
        euroColumn(row.credit),
        euroColumn(row.money.gridOnlyCost),
        euroColumn(row.money.feedInOnlyIncome),
      ].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
