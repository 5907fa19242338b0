/**
 * The household model of profiles.ts, computed for a whole neighbourhood one 15-minute interval at a
 * time, fast enough for a year of thousands of households: what all households share at an instant
 * (clock, season, sun, sky) is computed once per sub-step, the appliance draw once per household
 * and interval, and nothing is allocated per household. The arithmetic is the same, operation for
 * operation, as stepEnergy(…, 900, …) followed by advanceMeter, so the results are identical to the
 * bit; interval-energy.test.ts holds it to that. Households with a heat pump, a car or a battery
 * take a slower, general path; the battery's state is carried from one call to the next.
 */
import { INTERVAL_SECONDS } from "@nachbarstrom/core";
import { batteryModel, batterySubstep, type BatteryModel, type BatteryState } from "./battery.ts";
import { germanDayNumber, germanSecondsOfDay, yearOfDayNumber } from "./clock.ts";
import { chargingWatts, evScheduler, sessionsAround, type EvScheduler } from "./ev.ts";
import { heatPumpDayFactor, heatPumpShape } from "./heat-pump.ts";
import { drawFromHash, DRAW_HASH_START, mixKey } from "./prng.ts";
import {
  applianceFactor,
  clearness,
  dailyShape,
  MAX_SHIFT_SECONDS,
  MAX_SUBSTEP_SECONDS,
  PERFORMANCE_RATIO,
  planeFactor,
  seasonalFactor,
  shiftSeconds,
  STREAM,
  type HouseholdSpec,
} from "./profiles.ts";
import { dayOfYear, solarElevation, type Roof, type Site } from "./solar.ts";

export type IntervalEnergyParameters = { households: readonly HouseholdSpec[]; seed: number; site: Site };

export type IntervalEnergy = {
  /** Metered energy of the last computed interval per household, in whole Wh (registers' remainders carried). */
  readonly importWh: Float64Array;
  readonly exportWh: Float64Array;
  /** Load and PV energy of the last computed interval per household, in whole µWh. */
  readonly loadMicroWh: Float64Array;
  readonly pvMicroWh: Float64Array;
  /** Heat pump and car charging of the last interval, whole µWh (0 without them). */
  readonly heatPumpMicroWh: Float64Array;
  readonly evMicroWh: Float64Array;
  /** The battery's AC energy in and out during the last interval, whole µWh, and what it holds at its end. */
  readonly batteryChargeMicroWh: Float64Array;
  readonly batteryDischargeMicroWh: Float64Array;
  readonly batteryMicroWh: Float64Array;
  /**
   * Computes the interval starting at `startUnix` (a multiple of 900 s). The meters carry their
   * sub-Wh remainders from one call to the next, as real registers do: call it for consecutive intervals.
   */
  compute(startUnix: number): void;
};

const SUBSTEPS = Math.ceil(INTERVAL_SECONDS / MAX_SUBSTEP_SECONDS);
const WIDTH = INTERVAL_SECONDS / SUBSTEPS;
const MICRO = 1_000_000;
/**
 * dailyShape at every whole second from −45 min to 24 h + 45 min. Sub-step instants are whole
 * seconds (intervals start on whole quarter hours, sub-steps sit 30 s + k × 60 s into them) and
 * shifts are whole seconds, so a lookup gives dailyShape's own value: the same bits, a tenth of the time.
 */
let shapeTable: Float64Array | undefined;
/** heatPumpShape at the same seconds, made when a heat pump is first simulated. */
let heatPumpShapeTable: Float64Array | undefined;

/** Per household with a heat pump, a car or a battery: what the general path needs. */
type Devices = {
  heatPumpKwh: number;
  chargerW: number;
  schedules: EvScheduler | undefined;
  sessions: Float64Array;
  battery: BatteryModel | undefined;
  state: BatteryState;
};

export function createIntervalEnergy({ households, seed, site }: IntervalEnergyParameters): IntervalEnergy {
  const count = households.length;
  const meanWatts = Float64Array.from(households, (h) => (h.annualKwh * 1000) / 8760);
  const shifts = Int32Array.from(households, (_, index) => shiftSeconds(index, seed));
  const appliancePrefix = Uint32Array.from(households, (_, index) =>
    mixKey(mixKey(mixKey(DRAW_HASH_START, seed), STREAM.appliance), index),
  );
  const pvScale = Float64Array.from(households, (h) => (h.pvKwp > 0 ? h.pvKwp * 1000 : 0));
  // One plane-factor series per distinct roof; group 0 is the horizontal plane.
  const roofs: (Roof | undefined)[] = [undefined];
  const groupOf = new Map<string, number>();
  const group = Uint16Array.from(households, ({ roof }) => {
    if (roof === undefined || roof.tilt === 0) return 0;
    const key = `${roof.azimuth}/${roof.tilt}`;
    if (!groupOf.has(key)) groupOf.set(key, roofs.push(roof) - 1);
    return groupOf.get(key) ?? 0;
  });

  shapeTable ??= Float64Array.from({ length: 86_400 + 2 * MAX_SHIFT_SECONDS }, (_, i) =>
    dailyShape(i - MAX_SHIFT_SECONDS),
  );
  const shape = shapeTable;
  /** German seconds of day of each sub-step + MAX_SHIFT_SECONDS: minus a shift, an index into `shape`. */
  const shapeIndex = new Int32Array(SUBSTEPS);
  const seasonal = new Float64Array(SUBSTEPS);
  const sky = new Float64Array(SUBSTEPS);
  const sunUp = new Uint8Array(SUBSTEPS);
  const plane = new Float64Array(roofs.length * SUBSTEPS);
  const importRemainder = new Float64Array(count);
  const exportRemainder = new Float64Array(count);
  const importWh = new Float64Array(count);
  const exportWh = new Float64Array(count);
  const loadMicroWh = new Float64Array(count);
  const pvMicroWh = new Float64Array(count);
  const heatPumpMicroWh = new Float64Array(count);
  const evMicroWh = new Float64Array(count);
  const batteryChargeMicroWh = new Float64Array(count);
  const batteryDischargeMicroWh = new Float64Array(count);
  const batteryMicroWh = new Float64Array(count);
  const devices = households.map(({ heatPump, ev, battery }, index): Devices | undefined =>
    heatPump === undefined && ev === undefined && battery === undefined
      ? undefined
      : {
          heatPumpKwh: heatPump?.annualKwh ?? 0,
          chargerW: ev === undefined ? 0 : ev.chargerKw * 1000,
          schedules: ev === undefined ? undefined : evScheduler(ev, index, seed),
          sessions: new Float64Array(4),
          battery: battery === undefined ? undefined : batteryModel(battery, WIDTH),
          state: { stored: 0, charged: 0, discharged: 0, lost: 0 },
        },
  );
  const anyHeatPump = households.some((h) => h.heatPump !== undefined);
  if (anyHeatPump) {
    heatPumpShapeTable ??= Float64Array.from({ length: 86_400 + 2 * MAX_SHIFT_SECONDS }, (_, i) =>
      heatPumpShape(i - MAX_SHIFT_SECONDS),
    );
  }
  const heatPumpShapes = heatPumpShapeTable ?? new Float64Array(0);
  let heatPumpDayNumber = Number.NaN;
  let heatPumpDay = 0;

  /** Fills the per-sub-step arrays; returns whether the sun is up in any sub-step. */
  function shared(startUnix: number): boolean {
    let sunUpAtAll = false;
    for (let s = 0; s < SUBSTEPS; s++) {
      const t = startUnix + (s + 0.5) * WIDTH;
      shapeIndex[s] = germanSecondsOfDay(t) + MAX_SHIFT_SECONDS;
      seasonal[s] = seasonalFactor(dayOfYear(t));
      sky[s] = clearness(t, seed);
      const elevation = solarElevation(t, site);
      sunUp[s] = elevation > 0 ? 1 : 0;
      sunUpAtAll ||= elevation > 0;
      for (let g = 0; g < roofs.length; g++) {
        plane[g * SUBSTEPS + s] = elevation > 0 ? planeFactor(roofs[g], t, site, elevation) : 0;
      }
    }
    return sunUpAtAll;
  }

  function compute(startUnix: number): void {
    if (!Number.isSafeInteger(startUnix / INTERVAL_SECONDS)) {
      throw new RangeError(`interval start must be a multiple of ${INTERVAL_SECONDS} s, got ${startUnix}`);
    }
    const sunIsUp = shared(startUnix);
    const slot = Math.floor(startUnix / INTERVAL_SECONDS);
    // An interval lies within one German day: midnight falls on a quarter hour.
    const day = germanDayNumber(startUnix);
    const [year, previousYear] = [yearOfDayNumber(day), yearOfDayNumber(day - 1)];
    // The day's heat pump factor, as heatPumpWatts computes it at each sub-step of the day.
    if (anyHeatPump && day !== heatPumpDayNumber) {
      heatPumpDayNumber = day;
      heatPumpDay = heatPumpDayFactor(day, seed, site);
    }
    for (let h = 0; h < count; h++) {
      const device = devices[h];
      if (device !== undefined) {
        general(h, device, startUnix, slot, day, year, previousYear);
        continue;
      }
      const appliance = applianceFactor(drawFromHash(mixKey(appliancePrefix[h], slot)));
      const mean = meanWatts[h];
      const shift = shifts[h];
      const scale = pvScale[h];
      const offset = group[h] * SUBSTEPS;
      let load = 0;
      let pv = 0;
      let imported = 0;
      let exported = 0;
      if (scale === 0 || !sunIsUp) {
        // No PV now: import = Σ max(0, load − 0) = Σ load, export = Σ max(0, 0 − load) = 0, exactly.
        for (let s = 0; s < SUBSTEPS; s++) load += mean * shape[shapeIndex[s] - shift] * seasonal[s] * appliance;
        imported = load;
      } else {
        for (let s = 0; s < SUBSTEPS; s++) {
          const loadW = mean * shape[shapeIndex[s] - shift] * seasonal[s] * appliance;
          const pvW = sunUp[s] === 1 ? scale * plane[offset + s] * PERFORMANCE_RATIO * sky[s] : 0;
          load += loadW;
          pv += pvW;
          imported += Math.max(0, loadW - pvW);
          exported += Math.max(0, pvW - loadW);
        }
      }
      loadMicroWh[h] = toMicroWh(load);
      pvMicroWh[h] = toMicroWh(pv);
      importWh[h] = carry(importRemainder, h, toMicroWh(imported));
      exportWh[h] = carry(exportRemainder, h, toMicroWh(exported));
    }
  }

  /** Household h with its devices: the arithmetic of householdPower and stepEnergy, sub-step by sub-step. */
  function general(
    h: number,
    device: Devices,
    startUnix: number,
    slot: number,
    day: number,
    year: number,
    previousYear: number,
  ): void {
    const appliance = applianceFactor(drawFromHash(mixKey(appliancePrefix[h], slot)));
    const mean = meanWatts[h];
    const shift = shifts[h];
    const scale = pvScale[h];
    const offset = group[h] * SUBSTEPS;
    const { heatPumpKwh, chargerW, schedules, sessions, battery, state } = device;
    if (schedules !== undefined) sessionsAround(schedules, day, year, previousYear, sessions);
    state.charged = state.discharged = state.lost = 0;
    let load = 0;
    let heatPump = 0;
    let ev = 0;
    let pv = 0;
    let imported = 0;
    let exported = 0;
    for (let s = 0; s < SUBSTEPS; s++) {
      const loadW = mean * shape[shapeIndex[s] - shift] * seasonal[s] * appliance;
      const heatPumpW = heatPumpKwh === 0 ? 0 : heatPumpKwh * heatPumpDay * heatPumpShapes[shapeIndex[s] - shift];
      const evW = chargerW === 0 ? 0 : chargingWatts(chargerW, sessions, startUnix + (s + 0.5) * WIDTH);
      const pvW = scale > 0 && sunUp[s] === 1 ? scale * plane[offset + s] * PERFORMANCE_RATIO * sky[s] : 0;
      load += loadW;
      heatPump += heatPumpW;
      ev += evW;
      pv += pvW;
      const demandW = loadW + heatPumpW + evW;
      if (battery === undefined) {
        imported += Math.max(0, demandW - pvW);
        exported += Math.max(0, pvW - demandW);
      } else {
        const netW = demandW - pvW;
        const meterW = netW + batterySubstep(battery, state, netW);
        imported += Math.max(0, meterW);
        exported += Math.max(0, -meterW);
      }
    }
    loadMicroWh[h] = toMicroWh(load);
    heatPumpMicroWh[h] = toMicroWh(heatPump);
    evMicroWh[h] = toMicroWh(ev);
    pvMicroWh[h] = toMicroWh(pv);
    importWh[h] = carry(importRemainder, h, toMicroWh(imported));
    exportWh[h] = carry(exportRemainder, h, toMicroWh(exported));
    batteryChargeMicroWh[h] = state.charged;
    batteryDischargeMicroWh[h] = state.discharged;
    batteryMicroWh[h] = state.stored;
  }

  return {
    importWh,
    exportWh,
    loadMicroWh,
    pvMicroWh,
    heatPumpMicroWh,
    evMicroWh,
    batteryChargeMicroWh,
    batteryDischargeMicroWh,
    batteryMicroWh,
    compute,
  };
}

/**
 * Adds `microWh` to the register's remainder `remainders[h]` and returns the whole Wh that move the
 * register: floor(total / 10^6), keeping total mod 10^6 (as advanceMeter does in bigint). Without
 * the floating-point remainder operator, a slow library call; the quotient of integers this small
 * (a quarter hour's energy) is exact up to the ±1 the loop corrects.
 */
function carry(remainders: Float64Array, h: number, microWh: number): number {
  const total = remainders[h] + microWh;
  let wh = Math.floor(total / MICRO);
  let rest = total - wh * MICRO;
  while (rest < 0) ((wh -= 1), (rest += MICRO));
  while (rest >= MICRO) ((wh += 1), (rest -= MICRO));
  remainders[h] = rest;
  return wh;
}

/** As stepEnergy rounds: W summed over sub-steps × sub-step seconds → µWh, to the nearest integer. */
function toMicroWh(watts: number): number {
  return Math.round((watts * WIDTH * 1_000_000) / 3600);
}
