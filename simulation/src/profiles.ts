/**
 * What one household draws and generates: power at an instant, and energy over a step.
 *
 * Consumption: annualKwh / 8760 h × daily shape (local clock time, morning and evening peaks,
 * mean 1) × seasonal factor (+15 % in mid-January, −15 % in mid-July, mean 1 over the year) ×
 * a per-household, per-15-minute appliance factor drawn uniformly from [0.6, 1.4] (mean 1).
 * Each household's shape is shifted by its own offset of up to ±45 minutes, so the street does not
 * switch its kettles on in the same minute.
 *
 * PV: kWp × 1 kW/m² × sin(solar elevation) × performance ratio 0.8 × the day's clearness, a
 * per-day factor shared by the whole neighbourhood (one sky) in [0.1, 1] with mean 0.63. The
 * clear-sky year gives about 1440 kWh per kWp, the clearness brings it to about 910 kWh per kWp,
 * the usual yield of a roof in Aachen.
 *
 * Optional devices (heat-pump.ts, ev.ts, battery.ts): a heat pump and an electric car add to the
 * demand; a battery behind the meter charges from the surplus and covers the demand.
 *
 * The meter nets at the instant, as a bidirectional meter does: import = max(0, demand − pv),
 * export = max(0, pv − demand), with demand = load + heat pump + car (+ the battery's AC power).
 */
import { batteryModel, batterySubstep, type BatterySpec, type BatteryState } from "./battery.ts";
import { evWatts, type EvSpec } from "./ev.ts";
import { heatPumpWatts, type HeatPumpSpec } from "./heat-pump.ts";
import { drawUnit } from "./prng.ts";
import { AACHEN, dayOfYear, incidenceCosine, solarElevation, type Roof, type Site } from "./solar.ts";
import { germanSecondsOfDay, wrapHours } from "./clock.ts";

/** What the model needs to know about a household. */
export type HouseholdSpec = {
  readonly annualKwh: number;
  readonly pvKwp: number;
  /** The PV plane; absent or tilt 0: horizontal. */
  readonly roof?: Roof;
  readonly heatPump?: HeatPumpSpec;
  readonly ev?: EvSpec;
  readonly battery?: BatterySpec;
};

/**
 * Instantaneous power of one household in watts (floating point: power is not money or energy):
 * loadW is the household's own demand, without the heat pump and the car; import and export are
 * netted before any battery, whose power depends on its state (see stepEnergy).
 */
export type HouseholdPower = {
  loadW: number;
  heatPumpW: number;
  evW: number;
  pvW: number;
  importW: number;
  exportW: number;
};

/** Energy over one step in integer micro-watt-hours, so a meter can carry exact remainders. */
export type StepEnergy = {
  loadMicroWh: bigint;
  heatPumpMicroWh: bigint;
  evMicroWh: bigint;
  pvMicroWh: bigint;
  importMicroWh: bigint;
  exportMicroWh: bigint;
  /** AC energy into and out of the battery and what was lost on the way; 0 without a battery. */
  batteryChargeMicroWh: bigint;
  batteryDischargeMicroWh: bigint;
  batteryLossMicroWh: bigint;
  /** What the battery holds at the end of the step (its state of charge). */
  batteryMicroWh: bigint;
};

export const PERFORMANCE_RATIO = 0.8;
/** Share of diffuse light in the horizontal irradiance, about the German yearly mean; used for tilted planes only. */
export const DIFFUSE_SHARE = 0.55;
/** Midpoint-rule sub-steps are at most this long. */
export const MAX_SUBSTEP_SECONDS = 60;

/** Relative household demand at each full local hour 0…23 (after the BDEW H0 weekday profile); linear between. */
const HOURLY_SHAPE = [
  0.55, 0.45, 0.4, 0.38, 0.38, 0.45, 0.75, 1.1, 1.15, 1.05, 1.0, 1.05, 1.2, 1.1, 0.95, 0.9, 0.95, 1.2, 1.55, 1.7, 1.6,
  1.4, 1.1, 0.8,
];
const SHAPE_MEAN = HOURLY_SHAPE.reduce((sum, value) => sum + value, 0) / HOURLY_SHAPE.length;
const SEASONAL_AMPLITUDE = 0.15;
const APPLIANCE_SPREAD = 0.4;
export const MAX_SHIFT_SECONDS = 45 * 60;

/** Names of the independent random streams, so no two draws share their keys. */
export const STREAM = { shift: 1, appliance: 2, clearness: 3 } as const;

/** Daily shape at `secondsOfDay` (local), mean 1 over a day: linear interpolation of HOURLY_SHAPE, wrapping at midnight. */
export function dailyShape(secondsOfDay: number): number {
  const hours = wrapHours(secondsOfDay / 3600);
  const hour = hours | 0; // Math.floor for hours in [0, 24), as an integer index
  const next = hour === 23 ? 0 : hour + 1;
  const fraction = hours - hour;
  return (HOURLY_SHAPE[hour] * (1 - fraction) + HOURLY_SHAPE[next] * fraction) / SHAPE_MEAN;
}

/** Seasonal factor for the day of year `n`: 1 + 0.15 · cos(2π (n − 15) / 365). */
export function seasonalFactor(n: number): number {
  return 1 + SEASONAL_AMPLITUDE * Math.cos((2 * Math.PI * (n - 15)) / 365);
}

/**
 * The day's clearness in [0.1, 1]: 0.1 + 0.9 · u^0.7 for a uniform u per UTC day and seed, mean
 * 0.1 + 0.9 / 1.7 ≈ 0.63; about one day in six is overcast (below 0.35).
 */
export function clearness(unixSeconds: number, seed: number): number {
  const u = drawUnit(seed, STREAM.clearness, Math.floor(unixSeconds / 86_400));
  return 0.1 + 0.9 * u ** 0.7;
}

/** How far household number `index` shifts the daily shape, in whole seconds within ±45 minutes. */
export function shiftSeconds(index: number, seed: number): number {
  return Math.round((2 * drawUnit(seed, STREAM.shift, index) - 1) * MAX_SHIFT_SECONDS);
}

/** The appliance factor in [0.6, 1.4] from its uniform draw `u` (keys: seed, STREAM.appliance, index, 15-minute slot). */
export function applianceFactor(u: number): number {
  return 1 + APPLIANCE_SPREAD * (2 * u - 1);
}

/** Consumption of household number `index` at `unixSeconds`, in watts. */
export function loadWatts(household: HouseholdSpec, index: number, unixSeconds: number, seed: number): number {
  const slot = Math.floor(unixSeconds / 900);
  const appliance = applianceFactor(drawUnit(seed, STREAM.appliance, index, slot));
  const meanWatts = (household.annualKwh * 1000) / 8760;
  const shape = dailyShape(germanSecondsOfDay(unixSeconds) - shiftSeconds(index, seed));
  return meanWatts * shape * seasonalFactor(dayOfYear(unixSeconds)) * appliance;
}

/** PV generation of `household` at `unixSeconds`, in watts; 0 at night and without PV. */
export function pvWatts(household: HouseholdSpec, unixSeconds: number, seed: number, site: Site = AACHEN): number {
  if (household.pvKwp <= 0) return 0;
  const elevation = solarElevation(unixSeconds, site);
  if (elevation <= 0) return 0;
  const clearSky =
    household.pvKwp * 1000 * planeFactor(household.roof, unixSeconds, site, elevation) * PERFORMANCE_RATIO;
  return clearSky * clearness(unixSeconds, seed);
}

/**
 * Irradiance on the PV plane per kW/m² of sun at the zenith, before the clearness: sin(elevation)
 * for a flat plane. A tilted one gets the direct part (1 − DIFFUSE_SHARE of it) at its incidence
 * cosine and the diffuse part from the sky it sees, (1 + cos tilt) / 2 (isotropic sky).
 * Only called with the sun above the horizon.
 */
export function planeFactor(roof: Roof | undefined, unixSeconds: number, site: Site, elevation: number): number {
  const horizontal = Math.sin((elevation * Math.PI) / 180);
  if (roof === undefined || roof.tilt === 0) return horizontal;
  const skyView = (1 + Math.cos((roof.tilt * Math.PI) / 180)) / 2;
  return (1 - DIFFUSE_SHARE) * incidenceCosine(unixSeconds, site, roof) + DIFFUSE_SHARE * horizontal * skyView;
}

/** Everything a household's meter sees at one instant. */
export function householdPower(
  household: HouseholdSpec,
  index: number,
  unixSeconds: number,
  seed: number,
  site: Site = AACHEN,
): HouseholdPower {
  const loadW = loadWatts(household, index, unixSeconds, seed);
  const heatPumpW =
    household.heatPump === undefined
      ? 0
      : heatPumpWatts(household.heatPump, shiftSeconds(index, seed), unixSeconds, seed, site);
  const evW = household.ev === undefined ? 0 : evWatts(household.ev, index, unixSeconds, seed);
  const pvW = pvWatts(household, unixSeconds, seed, site);
  const demandW = loadW + heatPumpW + evW;
  return { loadW, heatPumpW, evW, pvW, importW: Math.max(0, demandW - pvW), exportW: Math.max(0, pvW - demandW) };
}

/**
 * Energy of household `index` over [startUnix, startUnix + stepSeconds), by the midpoint rule on
 * sub-steps of at most 60 s, netted at each sub-step and rounded once per step to the micro-watt-hour.
 * Rounding costs at most 0.5 µWh per step: a year of minute steps drifts by less than 0.3 Wh.
 *
 * A household with a battery needs what the battery held at the start, `batteryMicroWh` (a whole
 * number; a new battery is empty), and gets it back at the end in `batteryMicroWh`: carry it from
 * one call to the next for consecutive steps. The battery decides per sub-step, so 60-second steps
 * and 15-minute steps on the same minute grid give the same battery.
 */
export function stepEnergy(
  household: HouseholdSpec,
  index: number,
  startUnix: number,
  stepSeconds: number,
  seed: number,
  site: Site = AACHEN,
  batteryMicroWh = 0n,
): StepEnergy {
  const substeps = Math.ceil(stepSeconds / MAX_SUBSTEP_SECONDS);
  const width = stepSeconds / substeps;
  const battery = household.battery === undefined ? undefined : batteryModel(household.battery, width);
  const state: BatteryState = { stored: Number(batteryMicroWh), charged: 0, discharged: 0, lost: 0 };
  let load = 0;
  let heatPump = 0;
  let ev = 0;
  let pv = 0;
  let imported = 0;
  let exported = 0;
  for (let i = 0; i < substeps; i++) {
    const power = householdPower(household, index, startUnix + (i + 0.5) * width, seed, site);
    load += power.loadW;
    heatPump += power.heatPumpW;
    ev += power.evW;
    pv += power.pvW;
    if (battery === undefined) {
      imported += power.importW;
      exported += power.exportW;
    } else {
      const netW = power.loadW + power.heatPumpW + power.evW - power.pvW;
      const meterW = netW + batterySubstep(battery, state, netW);
      imported += Math.max(0, meterW);
      exported += Math.max(0, -meterW);
    }
  }
  // W × s → µWh: × width s / 3600 s/h × 10^6 µWh/Wh.
  const toMicroWh = (watts: number): bigint => BigInt(Math.round((watts * width * 1_000_000) / 3600));
  return {
    loadMicroWh: toMicroWh(load),
    heatPumpMicroWh: toMicroWh(heatPump),
    evMicroWh: toMicroWh(ev),
    pvMicroWh: toMicroWh(pv),
    importMicroWh: toMicroWh(imported),
    exportMicroWh: toMicroWh(exported),
    batteryChargeMicroWh: BigInt(state.charged),
    batteryDischargeMicroWh: BigInt(state.discharged),
    batteryLossMicroWh: BigInt(state.lost),
    batteryMicroWh: BigInt(state.stored),
  };
}
