/**
 * Charging an electric car at home: sessions on a seeded schedule, each at the charger's full power
 * until its energy is in. See README.md, "Electric cars", for the sources.
 *
 * Per German calendar day, one session or none: on a workday (Monday to Friday) with probability
 * 0.5, the car arriving between 17:00 and 20:00; on Saturday and Sunday with probability 0.35,
 * arriving between 10:00 and 18:00 (about 3.2 sessions a week). Each session's energy is drawn in
 * [0.5, 1.5] × the mean and the year's sessions are scaled so that they add up to exactly
 * annualKm × kWhPer100km / 100 in the German calendar year. Every draw is addressed by
 * (seed, stream, household, day): the power at an instant is a pure function of the instant.
 */
import { firstDayNumberOf, germanDayNumber, germanDayTimeToUnix, yearOfDayNumber } from "./clock.ts";
import { drawUnit } from "./prng.ts";

export type EvSpec = {
  /** Distance driven in a year, km. */
  readonly annualKm: number;
  /** Energy drawn from the socket per 100 km, charging losses included, kWh. */
  readonly kWhPer100km: number;
  /** Power of the wallbox (or socket), kW. */
  readonly chargerKw: number;
};

export const CHARGING = {
  workdayShare: 0.5,
  workdayArrival: { fromHour: 17, hours: 3 },
  weekendShare: 0.35,
  weekendArrival: { fromHour: 10, hours: 8 },
  /** A session's energy is this × the mean at most, half the mean at least. */
  largestSession: 1.5,
  /**
   * No session lasts longer: the shortest gap between two arrivals is Friday 20:00 to Saturday
   * 10:00, so sessions never overlap. MAX_HOURS_A_YEAR keeps sessions well below it, so the cut
   * does not happen in practice.
   */
  maxSessionHours: 14,
} as const;

/**
 * A year's energy must fit into this many hours at the charger's power (checked by the scenario):
 * with about 166 sessions a year, the mean session then lasts at most about 7 h, the largest about 11 h.
 */
export const MAX_HOURS_A_YEAR = 1200;

/** Random streams (profiles.ts uses 1–3, generate.ts 11–19, heat-pump.ts 41). */
const STREAM = { session: 31, arrival: 32, energy: 33 } as const;

/** A German year's sessions: per day of the year the arrival (unix seconds) and the end; end = arrival when there is none. */
export type EvSchedule = { firstDay: number; arrival: Float64Array; end: Float64Array };

/** Annual energy of `ev`, kWh. */
export function evAnnualKwh(ev: EvSpec): number {
  return (ev.annualKm * ev.kWhPer100km) / 100;
}

/** Whether German day number `day` is Saturday or Sunday (day 0, 1970-01-01, was a Thursday). */
export function isWeekend(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 0 Sunday … 6 Saturday
  return weekday === 0 || weekday === 6;
}

/** The sessions of household number `index` in German calendar year `year`; deterministic. */
export function evSchedule(ev: EvSpec, index: number, seed: number, year: number): EvSchedule {
  const firstDay = firstDayNumberOf(year);
  const days = firstDayNumberOf(year + 1) - firstDay;
  const arrival = new Float64Array(days);
  const end = new Float64Array(days);
  const weights = new Float64Array(days);
  let total = 0;
  for (let i = 0; i < days; i++) {
    const day = firstDay + i;
    const weekend = isWeekend(day);
    if (drawUnit(seed, STREAM.session, index, day) >= (weekend ? CHARGING.weekendShare : CHARGING.workdayShare)) {
      continue;
    }
    const window = weekend ? CHARGING.weekendArrival : CHARGING.workdayArrival;
    const minute = Math.floor(drawUnit(seed, STREAM.arrival, index, day) * window.hours * 60);
    arrival[i] = germanDayTimeToUnix(day, window.fromHour * 3600 + minute * 60);
    weights[i] = 0.5 + drawUnit(seed, STREAM.energy, index, day);
    total += weights[i];
  }
  const secondsPerWeight = total > 0 ? ((evAnnualKwh(ev) / ev.chargerKw) * 3600) / total : 0;
  for (let i = 0; i < days; i++) {
    const seconds = Math.min(weights[i] * secondsPerWeight, CHARGING.maxSessionHours * 3600);
    end[i] = weights[i] > 0 ? arrival[i] + seconds : arrival[i];
  }
  return { firstDay, arrival, end };
}

/** Schedules of one household by year, made once each. */
export type EvScheduler = (year: number) => EvSchedule;

export function evScheduler(ev: EvSpec, index: number, seed: number): EvScheduler {
  const byYear = new Map<number, EvSchedule>();
  return (year) => {
    let schedule = byYear.get(year);
    if (schedule === undefined) {
      schedule = evSchedule(ev, index, seed, year);
      byYear.set(year, schedule);
    }
    return schedule;
  };
}

/**
 * Writes the sessions that can be under way on German day `day` into `out`: [arrival, end) of that
 * day's session, then of the day before's (a session may run past midnight). `year` and
 * `previousYear` are the calendar years of `day` and `day − 1`.
 */
export function sessionsAround(
  schedules: EvScheduler,
  day: number,
  year: number,
  previousYear: number,
  out: Float64Array,
): void {
  const today = schedules(year);
  const yesterday = schedules(previousYear);
  out[0] = today.arrival[day - today.firstDay];
  out[1] = today.end[day - today.firstDay];
  out[2] = yesterday.arrival[day - 1 - yesterday.firstDay];
  out[3] = yesterday.end[day - 1 - yesterday.firstDay];
}

/** The charger's power at `unixSeconds` given the sessions `sessionsAround` wrote: full power or nothing. */
export function chargingWatts(chargerW: number, sessions: Float64Array, unixSeconds: number): number {
  return (unixSeconds >= sessions[0] && unixSeconds < sessions[1]) ||
    (unixSeconds >= sessions[2] && unixSeconds < sessions[3])
    ? chargerW
    : 0;
}

const schedulers = new Map<string, EvScheduler>();

/** The charger's power for household number `index` at `unixSeconds`, W (the reference; interval-energy.ts inlines it). */
export function evWatts(ev: EvSpec, index: number, unixSeconds: number, seed: number): number {
  const key = `${index}|${seed}|${ev.annualKm}|${ev.kWhPer100km}|${ev.chargerKw}`;
  let schedules = schedulers.get(key);
  if (schedules === undefined) {
    schedules = evScheduler(ev, index, seed);
    schedulers.set(key, schedules);
  }
  const day = germanDayNumber(unixSeconds);
  const sessions = new Float64Array(4);
  sessionsAround(schedules, day, yearOfDayNumber(day), yearOfDayNumber(day - 1), sessions);
  return chargingWatts(ev.chargerKw * 1000, sessions, unixSeconds);
}
