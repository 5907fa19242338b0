import { LOCALE_TAGS, type Locale } from "../../i18n/locale.ts";

/** "2026-03" as "März 2026" / "March 2026". */
export function formatMonth(month: string, locale: Locale): string {
  const [year, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, m - 1, 15)),
  );
}

/** "2026-03-10" as "Dienstag, 10. März 2026" / "Tuesday 10 March 2026". */
export function formatDay(day: string, locale: Locale): string {
  const [year, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: "full", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, m - 1, d)),
  );
}

/** Start of an interval as German local time of day, "14:15". */
export function formatTimeOfDay(interval: bigint, locale: Locale): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    timeZone: "Europe/Berlin",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(Number(interval) * 900_000));
}

/** A price in µ€/kWh as cents per kWh with up to four decimals, e.g. 166000n → "16,6" (de). */
export function formatCentsPerKwh(microEuroPerKwh: bigint, locale: Locale): string {
  const cents = microEuroPerKwh / 10_000n;
  const rest = (microEuroPerKwh % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { maximumFractionDigits: 4 }).format(
    `${cents}${rest ? `.${rest}` : ""}` as `${number}`,
  );
}
