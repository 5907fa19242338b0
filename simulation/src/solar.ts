/**
 * Where the sun stands over the neighbourhood, from textbook approximations that are good to about
 * a degree: plenty for a load-flow demo, not for designing a PV plant.
 */

/** A place on Earth in degrees; north and east are positive. */
export type Site = { latitude: number; longitude: number };

/** Aachen, where the demo neighbourhood Burtscheid-Süd lies. */
export const AACHEN: Site = { latitude: 50.78, longitude: 6.08 };

const DEG = Math.PI / 180;
const DAY_SECONDS = 86_400;

/** Day of the year in UTC, 1 for 1 January. */
export function dayOfYear(unixSeconds: number): number {
  const date = new Date(unixSeconds * 1000);
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / (DAY_SECONDS * 1000)) + 1;
}

/**
 * Solar elevation above the horizon in degrees at `unixSeconds` (negative at night):
 * - declination after Cooper (1969): δ = 23.45° · sin(360° · (284 + n) / 365);
 * - equation of time after Spencer's fit as Duffie & Beckman give it, in minutes:
 *   E = 9.87 sin 2B − 7.53 cos B − 1.5 sin B with B = 360° · (n − 81) / 364;
 * - solar time = UTC + longitude / 15° + E, hour angle ω = 15° · (solar time − 12 h);
 * - sin(elevation) = sin φ sin δ + cos φ cos δ cos ω.
 */
export function solarElevation(unixSeconds: number, site: Site = AACHEN): number {
  const n = dayOfYear(unixSeconds);
  const declination = 23.45 * DEG * Math.sin((2 * Math.PI * (284 + n)) / 365);
  const b = (2 * Math.PI * (n - 81)) / 364;
  const equationOfTimeHours = (9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b)) / 60;
  const utcHours = (((unixSeconds % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS) / 3600;
  const solarHours = utcHours + site.longitude / 15 + equationOfTimeHours;
  const hourAngle = 15 * DEG * (solarHours - 12);
  const latitude = site.latitude * DEG;
  const sinElevation =
    Math.sin(latitude) * Math.sin(declination) + Math.cos(latitude) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / DEG;
}
