/**
 * A bidirectional meter's cumulative registers: OBIS 1.8.0 (import) and 2.8.0 (export), in whole Wh.
 * Measured energy below one Wh is carried as an exact integer remainder in µWh, so the registers
 * never drift from the sum of what was measured: after any number of steps,
 * register × 10^6 + remainder = start × 10^6 + Σ step energy, exactly.
 */
import { evAnnualKwh } from "./ev.ts";
import type { HouseholdSpec, StepEnergy } from "./profiles.ts";

export type MeterSpec = HouseholdSpec & { readonly meteringPointId: string };

export type MeterState = {
  readonly meteringPointId: string;
  /** OBIS 1.8.0, Wh drawn from the grid since the meter was installed. */
  readonly importWh: bigint;
  /** OBIS 2.8.0, Wh fed into the grid since the meter was installed. */
  readonly exportWh: bigint;
  /** Imported energy not yet on the register, in µWh, in [0, 10^6). */
  readonly importRemainderMicroWh: bigint;
  /** Exported energy not yet on the register, in µWh, in [0, 10^6). */
  readonly exportRemainderMicroWh: bigint;
};

const MICRO_WH_PER_WH = 1_000_000n;
const YEAR_SECONDS = 365.25 * 86_400;
/** The demo's meters were installed from 2020-01-01 back in steps of 97 days (at most about four years earlier). */
const FIRST_INSTALLATION_UNIX = Date.UTC(2020, 0, 1) / 1000;
/** PV yield per kWp and year in Aachen (see profiles.ts) and the share of its load a PV household covers itself. */
const PV_KWH_PER_KWP = 910;
const PV_SELF_SUPPLY_SHARE = 0.3;

/** When meter number `index` was installed, as unix seconds; deterministic. */
export function installedAt(index: number): number {
  return FIRST_INSTALLATION_UNIX - ((index * 97) % 1500) * 86_400;
}

/**
 * The registers of meter number `index` at `unixSeconds`: a yearly estimate of its import and
 * export times the years since installation. The estimate grows with `unixSeconds`, so a feed that
 * is restarted at a later simulated time starts from higher registers than the earlier run began with.
 * It does not equal what an earlier run ended with: see README.md, "Limits".
 */
export function initialMeter(meter: MeterSpec, index: number, unixSeconds: number): MeterState {
  const years = Math.max(0, unixSeconds - installedAt(index)) / YEAR_SECONDS;
  const hasPv = meter.pvKwp > 0;
  // A heat pump and a car are counted as if they had always been there.
  const demandKwh =
    meter.annualKwh + (meter.heatPump?.annualKwh ?? 0) + (meter.ev === undefined ? 0 : evAnnualKwh(meter.ev));
  const importKwhPerYear = demandKwh * (hasPv ? 1 - PV_SELF_SUPPLY_SHARE : 1);
  const exportKwhPerYear = hasPv ? Math.max(0, meter.pvKwp * PV_KWH_PER_KWP - demandKwh * PV_SELF_SUPPLY_SHARE) : 0;
  return {
    meteringPointId: meter.meteringPointId,
    importWh: BigInt(Math.floor(importKwhPerYear * 1000 * years)),
    exportWh: BigInt(Math.floor(exportKwhPerYear * 1000 * years)),
    importRemainderMicroWh: 0n,
    exportRemainderMicroWh: 0n,
  };
}

/** The meter after one step's energy has flowed through it. Registers only ever grow. */
export function advanceMeter(
  meter: MeterState,
  energy: Pick<StepEnergy, "importMicroWh" | "exportMicroWh">,
): MeterState {
  if (energy.importMicroWh < 0n || energy.exportMicroWh < 0n) {
    throw new RangeError(
      `step energy must not be negative, got import ${energy.importMicroWh} µWh, export ${energy.exportMicroWh} µWh`,
    );
  }
  const importTotal = meter.importRemainderMicroWh + energy.importMicroWh;
  const exportTotal = meter.exportRemainderMicroWh + energy.exportMicroWh;
  return {
    meteringPointId: meter.meteringPointId,
    importWh: meter.importWh + importTotal / MICRO_WH_PER_WH,
    exportWh: meter.exportWh + exportTotal / MICRO_WH_PER_WH,
    importRemainderMicroWh: importTotal % MICRO_WH_PER_WH,
    exportRemainderMicroWh: exportTotal % MICRO_WH_PER_WH,
  };
}
