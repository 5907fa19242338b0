import { LOCALE_TAGS, type Locale } from "../../i18n/locale.ts";
import { formatCentsPerKwh } from "../household/tariff-format.ts";

/** A contract's price in ct/kWh as the page shows it, exactly (up to 4 decimals). */
export function formatPrice(pricePerKwh: bigint, locale: Locale): string {
  return formatCentsPerKwh(pricePerKwh, locale);
}

/** A German local day (YYYY-MM-DD) in the page's language, e.g. "23.11.2026" or "23 Nov 2026". */
export function formatDay(day: string, locale: Locale): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** Micro-euro per kWh as a ct/kWh form value without trailing zeros (225_000n → "22.5"); 0 (no limit) → "". */
export function centsValue(units: bigint): string {
  if (units === 0n) return "";
  const whole = units / 10_000n;
  const fraction = (units % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
