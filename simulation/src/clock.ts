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

/** Number of the German calendar day of `unixSeconds`, counted from 1970-01-01 (day 0), local midnight to midnight. */
export function germanDayNumber(unixSeconds: number): number {
  return Math.floor((unixSeconds + germanUtcOffsetSeconds(unixSeconds)) / 86_400);
}

/**
 * Unix seconds of local time `localSeconds` (whole seconds since local midnight, at least 03:00 so the
 * clock change at 02:00/03:00 has happened) on German day number `day`.
 */
export function germanDayTimeToUnix(day: number, localSeconds: number): number {
  const naive = day * 86_400 + localSeconds;
  // The true instant lies in [naive − 7200, naive − 3600]; after 01:00 UTC either end has the day's offset.
  return naive - germanUtcOffsetSeconds(naive - 3600);
}

/** Calendar year of German day number `day`. */
export function yearOfDayNumber(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/** German day number of 1 January of `year`. */
export function firstDayNumberOf(year: number): number {
  return Date.UTC(year, 0, 1) / 86_400_000;
}

/**
 * `((x % 24) + 24) % 24`, equal to the bit, but without the floating-point remainder (a slow library
 * call) for x in (−24, 48), where the remainders are exact subtractions. The hot loop of the yearly
 * simulation calls this 500 million times for 1,000 households.
 */
export function wrapHours(x: number): number {
  if (!(x > -24 && x < 48)) return ((x % 24) + 24) % 24;
  let hours = x >= 24 ? x - 24 : x;
  hours += 24;
  if (hours >= 24) hours -= 24;
  if (hours >= 24) hours -= 24;
  return hours;
}
