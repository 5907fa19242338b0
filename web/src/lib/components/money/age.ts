import { LOCALE_TAGS, type Locale } from "../../i18n/locale.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long a request has been waiting, in words: "vor 5 Minuten" / "5 minutes ago" below an hour,
 * hours below two days, then days. The console sorts by it; a treasurer sees at a glance what is old.
 */
export function formatAge(ageMs: number, locale: Locale): string {
  const format = new Intl.RelativeTimeFormat(LOCALE_TAGS[locale], { numeric: "always" });
  const age = Math.max(0, ageMs);
  if (age < HOUR) return format.format(-Math.floor(age / MINUTE), "minute");
  if (age < 2 * DAY) return format.format(-Math.floor(age / HOUR), "hour");
  return format.format(-Math.floor(age / DAY), "day");
}
