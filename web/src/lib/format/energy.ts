import { LOCALE_TAGS, type Locale } from "../i18n/locale.ts";
import { toDecimalString } from "./decimal.ts";

/** Watt-hours as a kWh number in `locale` with all three decimals, e.g. 1234n → "1,234" (de), "1.234" (en). */
export function formatKwhNumber(wh: bigint, locale: Locale): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(
    toDecimalString(wh, 3),
  );
}

/** Watt-hours with the unit, e.g. 1234n → "1,234 kWh"; a no-break space keeps number and unit together. */
export function formatKwh(wh: bigint, locale: Locale): string {
  return `${formatKwhNumber(wh, locale)}\u00a0kWh`;
}
