import { intervalStart } from "@nachbarstrom/core/units";
import { toDecimalString } from "../../format/decimal.ts";
import { DISPLAY_TIME_ZONE } from "../../format/time.ts";
import { LOCALE_TAGS, type Locale } from "../../i18n/locale.ts";

/** Micro-euro per kWh as cents per kWh, exactly (up to 4 decimals), e.g. "16,60". */
export function formatCentsPerKwh(units: bigint, locale: Locale): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(
    toDecimalString(units, 4),
  );
}

/** VAT in basis points as a percentage, e.g. "19 %". */
export function formatVat(basisPoints: number, locale: Locale): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { style: "percent", maximumFractionDigits: 2 }).format(
    basisPoints / 10_000,
  );
}

/**
 * The day a tariff takes effect in German local time ("1 Jan 2027", "01.01.2027"), with the time
 * of day when it does not start at midnight.
 */
export function formatEffectiveFrom(interval: bigint, locale: Locale): string {
  const start = intervalStart(interval);
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone: DISPLAY_TIME_ZONE, timeStyle: "short" }).format(start);
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    timeZone: DISPLAY_TIME_ZONE,
    dateStyle: "medium",
    ...(clock === "00:00" ? {} : { timeStyle: "short" }),
  }).format(start);
}
