/**
 * Heat pumps: a daily outdoor temperature for the site, and the electricity an air-to-water heat
 * pump draws for space heating and hot water. See README.md, "Heat pumps", for the sources.
 *
 * Temperature of German day d: mean + amplitude · cos(2π (day of year − warmest day) / 365.25)
 * (Aachen: 10.4 °C, ±7.7 K, warmest in mid-July), shifted by −0.6 K per degree of latitude poleward
 * of Aachen and by half a year south of the equator, plus a seeded anomaly: a moving average of five
 * daily draws (standard deviation 3.5 K), so cold and warm spells last a few days.
 *
 * Electricity of day d ∝ space heat / COP_space(T) + hot water / COP_water(T), with space heat the
 * degree-days below the heating limit of 15 °C against a room at 20 °C (G20/15, VDI 3807) and hot
 * water 2 K·d every day (about 18 % of the heat in a year). Normalised per German calendar year, so
 * a year's days add up to exactly the configured annual electricity; within the day a shape with a
 * night setback and morning and evening setpoints (mean 1), read in German clock time.
 */
import { firstDayNumberOf, germanDayNumber, germanSecondsOfDay, wrapHours, yearOfDayNumber } from "./clock.ts";
import { drawUnit } from "./prng.ts";
import type { Site } from "./solar.ts";

export type HeatPumpSpec = {
  /** Electricity the heat pump draws in a year, kWh (heating and hot water). */
  readonly annualKwh: number;
};

export const CLIMATE = {
  /** Aachen (DWD station Aachen-Orsbach, 1991–2020): annual mean 10.4 °C, January about 2.7 °C, July about 18.1 °C. */
  meanC: 10.4,
  amplitudeC: 7.7,
  warmestDayOfYear: 197,
  referenceLatitude: 50.78,
  /** Colder by this much per degree of latitude poleward of Aachen (about the gradient across Europe). */
  kelvinPerDegreeLatitude: 0.6,
  /** Standard deviation of a day's mean temperature around the seasonal curve (Germany: about 3–4 K). */
  anomalyC: 3.5,
} as const;

export const HEATING = {
  roomC: 20,
  /** Heating limit temperature (Heizgrenze): no space heating on days at or above it. */
  limitC: 15,
  /** Hot water, in degree-day equivalents per day. */
  hotWaterKd: 2,
} as const;

/** Weights of today's and the four previous days' draws in the temperature anomaly. */
const ANOMALY_WEIGHTS = [1, 0.8, 0.6, 0.4, 0.2];
const ANOMALY_NORM = Math.sqrt(ANOMALY_WEIGHTS.reduce((sum, w) => sum + w * w, 0));
/** Random stream of the temperature draws (profiles.ts uses 1–3, generate.ts 11–19, ev.ts 31–33). */
export const TEMPERATURE_STREAM = 41;

/** Heat pump demand at each full local hour 0…23: setback at night, setpoints raised at 06:00 and in the evening. */
const HOURLY_SHAPE = [
  0.8, 0.75, 0.75, 0.75, 0.8, 0.95, 1.3, 1.45, 1.35, 1.15, 1.0, 0.9, 0.85, 0.8, 0.8, 0.85, 0.95, 1.1, 1.2, 1.2, 1.15,
  1.05, 0.95, 0.85,
];
const SHAPE_MEAN = HOURLY_SHAPE.reduce((sum, value) => sum + value, 0) / HOURLY_SHAPE.length;

/** Space-heating COP of an air-to-water heat pump at outdoor temperature T (°C), flow about 35–45 °C. */
export function copSpace(temperatureC: number): number {
  return Math.min(5, Math.max(1.8, 3.2 + 0.07 * temperatureC));
}

/** Hot-water COP (flow about 50–55 °C). */
export function copWater(temperatureC: number): number {
  return Math.min(4, Math.max(1.5, 2.6 + 0.04 * temperatureC));
}

/** Mean outdoor temperature of German day number `day` at `site`, °C. */
export function dailyTemperature(day: number, seed: number, site: Site): number {
  const year = yearOfDayNumber(day);
  const dayOfYear = day - firstDayNumberOf(year) + 1;
  const season = site.latitude >= 0 ? 0 : 365.25 / 2;
  const phase = (2 * Math.PI * (dayOfYear - CLIMATE.warmestDayOfYear - season)) / 365.25;
  const latitude = Math.abs(site.latitude) - CLIMATE.referenceLatitude;
  let anomaly = 0;
  for (let k = 0; k < ANOMALY_WEIGHTS.length; k++) {
    // √12 (u − ½): mean 0, variance 1.
    anomaly += ANOMALY_WEIGHTS[k] * Math.sqrt(12) * (drawUnit(seed, TEMPERATURE_STREAM, day - k) - 0.5);
  }
  return (
    CLIMATE.meanC -
    CLIMATE.kelvinPerDegreeLatitude * latitude +
    CLIMATE.amplitudeC * Math.cos(phase) +
    (CLIMATE.anomalyC * anomaly) / ANOMALY_NORM
  );
}

/** Relative electricity of a heat pump on a day at mean temperature T: heating and hot water through their COPs. */
export function heatPumpDayWeight(temperatureC: number): number {
  const space = temperatureC < HEATING.limitC ? HEATING.roomC - temperatureC : 0;
  return space / copSpace(temperatureC) + HEATING.hotWaterKd / copWater(temperatureC);
}

const yearSums = new Map<string, number>();

/**
 * Mean power of German day number `day` per kWh of annual electricity, in W: the day's weight over
 * the sum of its calendar year's weights, × 1000 Wh / 24 h. A heat pump draws annualKwh × this ×
 * heatPumpShape(local time), and its year's days add up to annualKwh.
 */
export function heatPumpDayFactor(day: number, seed: number, site: Site): number {
  const year = yearOfDayNumber(day);
  const key = `${seed}|${site.latitude}|${year}`;
  let sum = yearSums.get(key);
  if (sum === undefined) {
    sum = 0;
    for (let d = firstDayNumberOf(year); d < firstDayNumberOf(year + 1); d++) {
      sum += heatPumpDayWeight(dailyTemperature(d, seed, site));
    }
    yearSums.set(key, sum);
  }
  return ((heatPumpDayWeight(dailyTemperature(day, seed, site)) / sum) * 1000) / 24;
}

/** The heat pump's daily shape at `secondsOfDay` (local), mean 1 over a day, linear between the hours. */
export function heatPumpShape(secondsOfDay: number): number {
  const hours = wrapHours(secondsOfDay / 3600);
  const hour = hours | 0;
  const next = hour === 23 ? 0 : hour + 1;
  const fraction = hours - hour;
  return (HOURLY_SHAPE[hour] * (1 - fraction) + HOURLY_SHAPE[next] * fraction) / SHAPE_MEAN;
}

/**
 * Power of a heat pump at `unixSeconds`, W: annualKwh × the day's factor × the daily shape, read
 * `shiftSeconds` earlier (the household's own shift, as its other demand).
 */
export function heatPumpWatts(
  heatPump: HeatPumpSpec,
  shiftSeconds: number,
  unixSeconds: number,
  seed: number,
  site: Site,
): number {
  const factor = heatPumpDayFactor(germanDayNumber(unixSeconds), seed, site);
  return heatPump.annualKwh * factor * heatPumpShape(germanSecondsOfDay(unixSeconds) - shiftSeconds);
}
