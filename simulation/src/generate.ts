/**
 * Draws a neighbourhood's households from a few numbers, deterministically: the same generator gives
 * the same households on every machine. Used by scenario files with a "generator" section
 * (scenarios/district-1000.json) and by the benchmark.
 *
 * Household i (0-based), each value from its own seeded draw `u` in [0, 1):
 * - annual consumption: min + (max − min) · u, rounded to 10 kWh (uniform);
 * - PV: exactly round(pvShare × households) households have it, those with the smallest draws;
 *   their size is min + (max − min) · u kWp, rounded to 0.1 kWp;
 * - roof: roofs[floor(u × roofs.length)] for PV households when roofs are given, else horizontal;
 * - heat pump, car: exactly round(share × households) households each (smallest draws of their own
 *   stream), annual electricity or distance uniform in [min, max] (rounded to 10 kWh, 100 km);
 * - battery: exactly round(shareOfPv × PV households) of the PV households, capacity and power
 *   uniform in [min, max] (rounded to 0.1 kWh, 0.1 kW);
 * - label `#<i + 1>`, metering point id `DE00099999` + (i + 1) in 23 digits.
 */
import { drawUnit } from "./prng.ts";
import type { Roof } from "./solar.ts";
import type { ScenarioHousehold } from "./scenario.ts";

type Range = { min: number; max: number };

export type Generator = {
  households: number;
  seed: number;
  annualKwh: { min: number; max: number };
  /** Share of households with PV, in [0, 1]. */
  pvShare: number;
  pvKwp: { min: number; max: number };
  roofs?: readonly Roof[] | undefined;
  heatPumps?: { share: number; annualKwh: Range } | undefined;
  evs?: { share: number; annualKm: Range; kWhPer100km: number; chargerKw: number } | undefined;
  batteries?: { shareOfPv: number; capacityKwh: Range; powerKw: Range; efficiency: number } | undefined;
};

const STREAM = {
  annualKwh: 11,
  hasPv: 12,
  pvKwp: 13,
  roof: 14,
  hasHeatPump: 15,
  heatPumpKwh: 16,
  hasEv: 17,
  evKm: 18,
  hasBattery: 19,
  batteryKwh: 20,
  batteryKw: 21,
} as const;

export function generateHouseholds(generator: Generator): ScenarioHousehold[] {
  const { households, seed, annualKwh, pvShare, pvKwp, roofs, heatPumps, evs, batteries } = generator;
  const all = Array.from({ length: households }, (_, i) => i);
  const withPv = chosen(all, pvShare, seed, STREAM.hasPv);
  const withHeatPump = chosen(all, heatPumps?.share ?? 0, seed, STREAM.hasHeatPump);
  const withEv = chosen(all, evs?.share ?? 0, seed, STREAM.hasEv);
  const withBattery = chosen(
    all.filter((i) => withPv.has(i)),
    batteries?.shareOfPv ?? 0,
    seed,
    STREAM.hasBattery,
  );
  const draw = (range: Range, stream: number, i: number, step: number) =>
    Math.round((range.min + (range.max - range.min) * drawUnit(seed, stream, i)) / step) * step;
  return Array.from({ length: households }, (_, i): ScenarioHousehold => {
    const kwh = Math.round(
      (annualKwh.min + (annualKwh.max - annualKwh.min) * drawUnit(seed, STREAM.annualKwh, i)) / 10,
    );
    const household: ScenarioHousehold = {
      label: `#${i + 1}`,
      meteringPointId: generatedMeteringPointId(i),
      annualKwh: kwh * 10,
      pvKwp: 0,
    };
    if (heatPumps !== undefined && withHeatPump.has(i)) {
      household.heatPump = { annualKwh: draw(heatPumps.annualKwh, STREAM.heatPumpKwh, i, 10) };
    }
    if (evs !== undefined && withEv.has(i)) {
      const { kWhPer100km, chargerKw } = evs;
      household.ev = { annualKm: draw(evs.annualKm, STREAM.evKm, i, 100), kWhPer100km, chargerKw };
    }
    if (!withPv.has(i)) return household;
    household.pvKwp = Math.round((pvKwp.min + (pvKwp.max - pvKwp.min) * drawUnit(seed, STREAM.pvKwp, i)) * 10) / 10;
    if (roofs !== undefined && roofs.length > 0) {
      household.roof = roofs[Math.floor(drawUnit(seed, STREAM.roof, i) * roofs.length)];
    }
    if (batteries !== undefined && withBattery.has(i)) {
      household.battery = {
        capacityKwh: Math.round(draw(batteries.capacityKwh, STREAM.batteryKwh, i, 0.1) * 10) / 10,
        powerKw: Math.round(draw(batteries.powerKw, STREAM.batteryKw, i, 0.1) * 10) / 10,
        efficiency: batteries.efficiency,
      };
    }
    return household;
  });
}

/** Exactly round(share × candidates) of the candidates: those with the smallest draws of `stream`. */
function chosen(candidates: readonly number[], share: number, seed: number, stream: number): Set<number> {
  const draws = new Map(candidates.map((i) => [i, drawUnit(seed, stream, i)]));
  const sorted = [...candidates].sort((a, b) => (draws.get(a) ?? 0) - (draws.get(b) ?? 0) || a - b);
  return new Set(sorted.slice(0, Math.round(share * candidates.length)));
}

/** A fictitious 33-character metering point id for household number `index` (0-based). */
export function generatedMeteringPointId(index: number): string {
  return `DE00099999${String(index + 1).padStart(23, "0")}`;
}
