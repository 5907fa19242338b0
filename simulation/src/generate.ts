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
 * - label `#<i + 1>`, metering point id `DE00099999` + (i + 1) in 23 digits.
 */
import { drawUnit } from "./prng.ts";
import type { Roof } from "./solar.ts";
import type { ScenarioHousehold } from "./scenario.ts";

export type Generator = {
  households: number;
  seed: number;
  annualKwh: { min: number; max: number };
  /** Share of households with PV, in [0, 1]. */
  pvShare: number;
  pvKwp: { min: number; max: number };
  roofs?: readonly Roof[] | undefined;
};

const STREAM = { annualKwh: 11, hasPv: 12, pvKwp: 13, roof: 14 } as const;

export function generateHouseholds(generator: Generator): ScenarioHousehold[] {
  const { households, seed, annualKwh, pvShare, pvKwp, roofs } = generator;
  const pvCount = Math.round(pvShare * households);
  const pvDraws = Array.from({ length: households }, (_, i) => drawUnit(seed, STREAM.hasPv, i));
  const byPvDraw = pvDraws.map((_, i) => i).sort((a, b) => pvDraws[a] - pvDraws[b] || a - b);
  const withPv = new Set(byPvDraw.slice(0, pvCount));
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
    if (!withPv.has(i)) return household;
    household.pvKwp = Math.round((pvKwp.min + (pvKwp.max - pvKwp.min) * drawUnit(seed, STREAM.pvKwp, i)) * 10) / 10;
    if (roofs !== undefined && roofs.length > 0) {
      household.roof = roofs[Math.floor(drawUnit(seed, STREAM.roof, i) * roofs.length)];
    }
    return household;
  });
}

/** A fictitious 33-character metering point id for household number `index` (0-based). */
export function generatedMeteringPointId(index: number): string {
  return `DE00099999${String(index + 1).padStart(23, "0")}`;
}
