/**
 * Wall-clock time in Germany (CET, UTC+1; CEST, UTC+2 from the last Sunday of March 01:00 UTC to the
 * last Sunday of October 01:00 UTC, the EU rule since 1996). Households live by the clock, so the
 * load shape is read in local time. Computed, not looked up, so it needs no time-zone database.
 */

const switchesByYear = new Map<number, [startUnix: number, endUnix: number]>();

/** Seconds since local midnight in Germany, in [0, 86400). */
export function germanSecondsOfDay(unixSeconds: number): number {
  const local = unixSeconds + germanUtcOffsetSeconds(unixSeconds);
  return ((local % 86_400) + 86_400) % 86_400;
}

/** 3600 in winter (CET), 7200 in summer (CEST). */
export function germanUtcOffsetSeconds(unixSeconds: number): number {
  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  let switches = switchesByYear.get(year);
  if (switches === undefined) {
    switches = [lastSundayOneAmUtc(year, 2), lastSundayOneAmUtc(year, 9)];
    switchesByYear.set(year, switches);
  }
  return unixSeconds >= switches[0] && unixSeconds < switches[1] ? 7200 : 3600;
}

/** 01:00 UTC on the last Sunday of `month` (0-based) in `year`, as unix seconds. */
function lastSundayOneAmUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0, 1));
  return lastDay.getTime() / 1000 - lastDay.getUTCDay() * 86_400;
}
