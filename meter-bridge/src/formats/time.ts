/** Timestamps as meters and gateways write them, turned into unix milliseconds. */

export type TimeResult = { ok: true; unixMs: number } | { ok: false; problem: string };

export type LocalTime = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses "2026-06-21T10:15:00", with an optional fraction (up to nanoseconds, as The Things Stack
 * writes) and an optional "Z" or offset. Without an offset the time is local: `withoutOffset` says
 * how to place it (a time zone); if that is undefined, an offset is required.
 */
export function parseIsoTime(text: string, withoutOffset?: { timeZone: string; near: number }): TimeResult {
  const match = ISO.exec(text);
  if (!match) return { ok: false, problem: `${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 time` };
  const [, y, mo, d, h, mi, s, fraction = "", zone] = match;
  const local = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s };
  const invalid = checkLocal(local);
  if (invalid) return { ok: false, problem: `${JSON.stringify(text)} ${invalid}` };
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  if (zone === undefined) {
    if (!withoutOffset) return { ok: false, problem: `${JSON.stringify(text)} has no time zone offset` };
    const placed = zonedToUtc(local, withoutOffset.timeZone, withoutOffset.near);
    return placed.ok ? { ok: true, unixMs: placed.unixMs + ms } : placed;
  }
  const offsetMinutes = zone === "Z" ? 0 : offsetOf(zone);
  if (Math.abs(offsetMinutes) > 14 * 60) return { ok: false, problem: `${JSON.stringify(text)} has offset ${zone}` };
  return { ok: true, unixMs: utcOf(local) + ms - offsetMinutes * 60_000 };
}

function offsetOf(zone: string): number {
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** A calendar time with a fixed UTC offset in minutes (DSMR's S/W flag, OCMF's "+0200"). */
export function fixedOffsetToUtc(local: LocalTime, offsetMinutes: number): TimeResult {
  const invalid = checkLocal(local);
  if (invalid) return { ok: false, problem: invalid };
  return { ok: true, unixMs: utcOf(local) - offsetMinutes * 60_000 };
}

/**
 * A wall-clock time in an IANA time zone. A time that occurs twice (the hour repeated when summer
 * time ends) is placed at the occurrence nearer to `near`; one that does not exist is rejected.
 */
export function zonedToUtc(local: LocalTime, timeZone: string, near: number): TimeResult {
  const invalid = checkLocal(local);
  if (invalid) return { ok: false, problem: invalid };
  const format = formatterFor(timeZone);
  if (!format) return { ok: false, problem: `time zone ${JSON.stringify(timeZone)} is not known` };
  const wall = utcOf(local);
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    const guess = wall - offsetAt(format, probe);
    if (utcOf(fieldsAt(format, guess)) === wall) candidates.add(guess);
  }
  if (candidates.size === 0) {
    return { ok: false, problem: `${describeLocal(local)} does not exist in ${timeZone} (clocks skip it)` };
  }
  const [best] = [...candidates].sort((a, b) => Math.abs(a - near) - Math.abs(b - near));
  return { ok: true, unixMs: best };
}

function checkLocal({ year, month, day, hour, minute, second }: LocalTime): string | undefined {
  if (![year, month, day, hour, minute, second].every(Number.isInteger)) return "is not a calendar time";
  if (month < 1 || month > 12) return `has month ${month}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `has day ${day} in a month of ${days} days`;
  if (hour > 23 || minute > 59 || second > 59) return `has time of day ${hour}:${minute}:${second}`;
  return undefined;
}

function utcOf({ year, month, day, hour, minute, second }: LocalTime): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function describeLocal(local: LocalTime): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${local.year}-${two(local.month)}-${two(local.day)}T${two(local.hour)}:${two(local.minute)}:${two(local.second)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let format: Intl.DateTimeFormat | null = null;
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      format = null;
    }
    formatters.set(timeZone, format);
  }
  return formatters.get(timeZone) ?? null;
}

function fieldsAt(format: Intl.DateTimeFormat, unixMs: number): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(unixMs)) parts[part.type] = Number(part.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(format: Intl.DateTimeFormat, unixMs: number): number {
  const whole = Math.floor(unixMs / 1000) * 1000;
  return utcOf(fieldsAt(format, whole)) - whole;
}
