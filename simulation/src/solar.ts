/**
 * Where the sun stands over the neighbourhood, from textbook approximations that are good to about
 * a degree: plenty for a load-flow demo, not for designing a PV plant.
 */

/** A place on Earth in degrees; north and east are positive. */
export type Site = { latitude: number; longitude: number };

/**
 * A PV plane: compass azimuth of the direction it faces in degrees (0 north, 90 east, 180 south,
 * 270 west) and its tilt from the horizontal in degrees (0 flat, 90 a wall).
 */
export type Roof = { readonly azimuth: number; readonly tilt: number };

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
  const { declination, hourAngle } = sunAngles(unixSeconds, site);
  const latitude = site.latitude * DEG;
  const sinElevation =
    Math.sin(latitude) * Math.sin(declination) + Math.cos(latitude) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / DEG;
}

/**
 * Cosine of the angle between the sun and the normal of `roof` at `unixSeconds` (Duffie & Beckman,
 * eq. 1.6.2, with the declination, equation of time and hour angle of solarElevation); 0 when the
 * sun is behind the plane. Only the direct beam's geometry: no diffuse light, no reflection.
 */
export function incidenceCosine(unixSeconds: number, site: Site, roof: Roof): number {
  const { declination, hourAngle } = sunAngles(unixSeconds, site);
  const latitude = site.latitude * DEG;
  const tilt = roof.tilt * DEG;
  const azimuthFromSouth = (roof.azimuth - 180) * DEG;
  const [sinD, cosD, sinL, cosL] = [
    Math.sin(declination),
    Math.cos(declination),
    Math.sin(latitude),
    Math.cos(latitude),
  ];
  const [sinT, cosT, sinG, cosG, cosW] = [
    Math.sin(tilt),
    Math.cos(tilt),
    Math.sin(azimuthFromSouth),
    Math.cos(azimuthFromSouth),
    Math.cos(hourAngle),
  ];
  const cosine =
    sinD * sinL * cosT -
    sinD * cosL * sinT * cosG +
    cosD * cosL * cosT * cosW +
    cosD * sinL * sinT * cosG * cosW +
    cosD * sinT * sinG * Math.sin(hourAngle);
  return Math.max(0, cosine);
}

/** Declination and hour angle in radians, as solarElevation computes them. */
function sunAngles(unixSeconds: number, site: Site): { declination: number; hourAngle: number } {
  const n = dayOfYear(unixSeconds);
  const declination = 23.45 * DEG * Math.sin((2 * Math.PI * (284 + n)) / 365);
  const b = (2 * Math.PI * (n - 81)) / 364;
  const equationOfTimeHours = (9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b)) / 60;
  const utcHours = (((unixSeconds % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS) / 3600;
  const solarHours = utcHours + site.longitude / 15 + equationOfTimeHours;
  return { declination, hourAngle: 15 * DEG * (solarHours - 12) };
}
