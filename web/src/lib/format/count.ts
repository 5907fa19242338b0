import { LOCALE_TAGS, type Locale } from "../i18n/locale.ts";

/** A whole count (readings, batches) with the locale's digit grouping, e.g. 12345 → "12.345" (de), "12,345" (en). */
export function formatCount(count: number, locale: Locale): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { maximumFractionDigits: 0 }).format(count);
}
