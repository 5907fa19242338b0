import { intervalStart } from "@nachbarstrom/core/units";
import { LOCALE_TAGS, type Locale } from "../i18n/locale.ts";

/** The utility's time zone: every interval is shown in German local time, whatever the browser says. */
export const DISPLAY_TIME_ZONE = "Europe/Berlin";

/** Start of a 15-minute interval in German local time, e.g. "23.11.2026, 10:15". */
export function formatIntervalStart(interval: bigint, locale: Locale): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    timeZone: DISPLAY_TIME_ZONE,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(intervalStart(interval));
}

/** Start of the interval as an ISO 8601 instant, for `<time datetime>`. */
export function intervalStartIso(interval: bigint): string {
  return intervalStart(interval).toISOString();
}

/** An instant in German local time to the second, e.g. "23.11.2026, 10:15:07" (de), "23 Nov 2026, 10:15:07" (en). */
export function formatInstant(instant: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    timeZone: DISPLAY_TIME_ZONE,
    dateStyle: "medium",
    timeStyle: "medium",
  }).format(new Date(instant));
}
