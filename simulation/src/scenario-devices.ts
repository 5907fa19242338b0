/**
 * The scenario's optional devices per household (heat pump, electric car, home battery): their
 * fields' schemas, their limits, and the checks across fields that the schemas cannot express.
 * Used by scenario.ts for files and by day.ts for neighbourhoods given in code.
 */
import type { BatterySpec } from "./battery.ts";
import { evAnnualKwh, MAX_HOURS_A_YEAR, type EvSpec } from "./ev.ts";
import type { HeatPumpSpec } from "./heat-pump.ts";
import { checkRange, numberAbove, numberIn, object, optional, ScenarioError } from "./validate.ts";

/**
 * Within these an interval's import stays below 25 kWh (household at most about 33 kW, heat pump
 * at worst about 30 kW, car 22 kW; a battery charges from PV only): see LIMITS in scenario.ts. The other
 * bounds stop values no household has (a 60 kWh/100 km car, a battery that empties in a minute).
 */
export const DEVICE_LIMITS = {
  heatPumpKwh: 30_000,
  evAnnualKm: 200_000,
  evKwhPer100km: { min: 5, max: 60 },
  /** 22 kW is the most a German home charger (three-phase, 32 A) delivers; 1 kW is below a plain socket. */
  chargerKw: { min: 1, max: 22 },
  batteryKwh: 1000,
  batteryKw: 100,
  /** Largest battery power per kWh of capacity (a C-rate of 4). */
  batteryCRate: 4,
};

const POSITIVE_RANGE = (max: number) => object({ min: numberAbove(0, max), max: numberAbove(0, max) });
const KWH_PER_100KM = numberIn(DEVICE_LIMITS.evKwhPer100km.min, DEVICE_LIMITS.evKwhPer100km.max);
const CHARGER_KW = numberIn(DEVICE_LIMITS.chargerKw.min, DEVICE_LIMITS.chargerKw.max);
const EFFICIENCY = numberAbove(0, 1);

export const HEAT_PUMP = object({ annualKwh: numberAbove(0, DEVICE_LIMITS.heatPumpKwh) });
export const EV = object({
  annualKm: numberAbove(0, DEVICE_LIMITS.evAnnualKm),
  kWhPer100km: KWH_PER_100KM,
  chargerKw: CHARGER_KW,
});
export const BATTERY = object({
  capacityKwh: numberAbove(0, DEVICE_LIMITS.batteryKwh),
  powerKw: numberAbove(0, DEVICE_LIMITS.batteryKw),
  efficiency: EFFICIENCY,
});

/** The generator's device sections (see generate.ts). */
export const GENERATOR_DEVICES = {
  heatPumps: optional(object({ share: numberIn(0, 1), annualKwh: POSITIVE_RANGE(DEVICE_LIMITS.heatPumpKwh) })),
  evs: optional(
    object({
      share: numberIn(0, 1),
      annualKm: POSITIVE_RANGE(DEVICE_LIMITS.evAnnualKm),
      kWhPer100km: KWH_PER_100KM,
      chargerKw: CHARGER_KW,
    }),
  ),
  batteries: optional(
    object({
      shareOfPv: numberIn(0, 1),
      capacityKwh: POSITIVE_RANGE(DEVICE_LIMITS.batteryKwh),
      powerKw: POSITIVE_RANGE(DEVICE_LIMITS.batteryKw),
      efficiency: EFFICIENCY,
    }),
  ),
};

/** The generator's device ranges, and that its largest car fits its charger. */
export function checkGeneratorDevices(generator: {
  heatPumps?: { annualKwh: { min: number; max: number } } | undefined;
  evs?: { annualKm: { min: number; max: number }; kWhPer100km: number; chargerKw: number } | undefined;
  batteries?: { capacityKwh: { min: number; max: number }; powerKw: { min: number; max: number } } | undefined;
}): void {
  const { heatPumps, evs, batteries } = generator;
  if (heatPumps !== undefined) checkRange(heatPumps.annualKwh, "generator.heatPumps.annualKwh");
  if (evs !== undefined) {
    checkRange(evs.annualKm, "generator.evs.annualKm");
    // The car driving the most must still fit: the same check as for a listed household's car.
    checkCharger({ ...evs, annualKm: evs.annualKm.max }, "generator.evs.chargerKw");
  }
  if (batteries !== undefined) {
    checkRange(batteries.capacityKwh, "generator.batteries.capacityKwh");
    checkRange(batteries.powerKw, "generator.batteries.powerKw");
  }
}

/**
 * What the fields' own ranges cannot say: a battery needs PV to charge from and at most a C-rate of
 * 4; a car's year must fit into MAX_HOURS_A_YEAR at its charger's power, so sessions never overlap.
 * Also used for neighbourhoods given in code (day.ts). Throws a ScenarioError naming the field.
 */
export function checkDevices(household: HouseholdDevices, path: string): void {
  const { heatPump, ev, battery } = household;
  if (heatPump !== undefined) HEAT_PUMP(heatPump, `${path}.heatPump`);
  if (ev !== undefined) {
    EV(ev, `${path}.ev`);
    checkCharger(ev, `${path}.ev.chargerKw`);
  }
  if (battery !== undefined) {
    BATTERY(battery, `${path}.battery`);
    if (!(household.pvKwp > 0)) {
      throw new ScenarioError(`${path}.battery`, "needs PV to charge from (pvKwp is 0)", battery);
    }
    if (battery.powerKw > DEVICE_LIMITS.batteryCRate * battery.capacityKwh) {
      throw new ScenarioError(
        `${path}.battery.powerKw`,
        `must not exceed ${DEVICE_LIMITS.batteryCRate} × capacityKwh (${DEVICE_LIMITS.batteryCRate * battery.capacityKwh} kW)`,
        battery.powerKw,
      );
    }
  }
}

type HouseholdDevices = {
  pvKwp: number;
  heatPump?: HeatPumpSpec | undefined;
  ev?: EvSpec | undefined;
  battery?: BatterySpec | undefined;
};

function checkCharger(ev: EvSpec, field: string): void {
  const kwh = evAnnualKwh(ev);
  if (kwh > ev.chargerKw * MAX_HOURS_A_YEAR) {
    const least = Math.ceil((kwh / MAX_HOURS_A_YEAR) * 10) / 10;
    throw new ScenarioError(
      field,
      `must charge the car's ${Math.round(kwh)} kWh a year in at most ${MAX_HOURS_A_YEAR} hours: at least ${least}`,
      ev.chargerKw,
    );
  }
}
