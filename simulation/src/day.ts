/**
 * The simulated neighbourhood's readings, offline and in publish order. The live feed draws from the
 * same generator, so a live run and an offline run with the same parameters carry the same data.
 */
import { DEMO_NEIGHBOURHOOD, parseReading, type ReadingPayload } from "@nachbarstrom/core";
import { SimulationParameterError } from "./errors.ts";
import { advanceMeter, initialMeter, type MeterSpec, type MeterState } from "./meters.ts";
import { stepEnergy } from "./profiles.ts";
import { checkDevices } from "./scenario-devices.ts";
import type { Site } from "./solar.ts";
import { ScenarioError } from "./validate.ts";

export type SimulatedNeighbourhood = {
  readonly slug: string;
  readonly households: readonly MeterSpec[];
  /** Where the sun is computed; default Aachen. */
  readonly site?: Site;
};

/** One message for the bridge: the MQTT topic and the JSON payload it carries. */
export type SimulatedReading = { topic: string; payload: ReadingPayload };

/** All households' readings at one simulated instant, in the neighbourhood's household order. */
export type ReadingBatch = { at: Date; readings: SimulatedReading[] };

export type ReadingBatchesParameters = {
  neighbourhood?: SimulatedNeighbourhood;
  /** Simulated time of the first readings (the meters' starting registers); whole seconds. */
  startAt: Date;
  /** Simulated seconds between readings; an integer in [1, 86400]. */
  stepSeconds?: number;
  /** Seed of the weather and appliance draws; a safe integer. */
  seed?: number;
};

export type SimulateReadingsParameters = ReadingBatchesParameters & {
  /** Readings per meter: the first at `startAt`, then one every `stepSeconds`. */
  steps: number;
};

/**
 * `steps` readings of every household, one batch per step: at startAt, startAt + stepSeconds, …
 * Pure: the same parameters give the same list.
 */
export function simulateReadings(parameters: SimulateReadingsParameters): SimulatedReading[] {
  const { steps } = parameters;
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new SimulationParameterError("steps", "must be a non-negative integer", steps);
  }
  const readings: SimulatedReading[] = [];
  if (steps === 0) return readings;
  for (const batch of readingBatches(parameters)) {
    readings.push(...batch.readings);
    if (readings.length === steps * batch.readings.length) break;
  }
  return readings;
}

/** An endless generator of batches: the first carries the starting registers, each next one step later. */
export function* readingBatches(parameters: ReadingBatchesParameters): Generator<ReadingBatch, never> {
  const { startAt, stepSeconds = 60, seed = 1 } = parameters;
  const neighbourhood: SimulatedNeighbourhood = parameters.neighbourhood ?? DEMO_NEIGHBOURHOOD;
  const startUnix = validate(neighbourhood, startAt, stepSeconds, seed);
  const households = neighbourhood.households;
  let meters: MeterState[] = households.map((household, index) => initialMeter(household, index, startUnix));
  // What each battery holds, carried from step to step (behind the meter); batteries start empty.
  const batteries = households.map(() => 0n);
  for (let step = 0; ; step++) {
    const unixSeconds = startUnix + step * stepSeconds;
    const timestamp = new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
    yield {
      at: new Date(unixSeconds * 1000),
      readings: meters.map((meter) => ({
        topic: readingTopic(neighbourhood.slug, meter.meteringPointId),
        payload: { importWh: Number(meter.importWh), exportWh: Number(meter.exportWh), timestamp },
      })),
    };
    meters = meters.map((meter, index) => {
      const site = neighbourhood.site;
      const energy = stepEnergy(households[index], index, unixSeconds, stepSeconds, seed, site, batteries[index]);
      batteries[index] = energy.batteryMicroWh;
      return advanceMeter(meter, energy);
    });
  }
}

/** `nachbarstrom/<neighbourhood slug>/<meteringPointId>/reading`, where the bridge listens. */
export function readingTopic(slug: string, meteringPointId: string): string {
  return `nachbarstrom/${slug}/${meteringPointId}/reading`;
}

/** Checks the parameters and returns startAt in unix seconds. */
function validate(neighbourhood: SimulatedNeighbourhood, startAt: Date, stepSeconds: number, seed: number): number {
  if (!(startAt instanceof Date) || Number.isNaN(startAt.getTime()) || startAt.getTime() % 1000 !== 0) {
    throw new SimulationParameterError("startAt", "must be a valid date in whole seconds", startAt);
  }
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1 || stepSeconds > 86_400) {
    throw new SimulationParameterError("stepSeconds", "must be an integer from 1 to 86400", stepSeconds);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new SimulationParameterError("seed", "must be a safe integer", seed);
  }
  // Let the bridge's own parser judge the topic, so the simulator never speaks a dialect of its own.
  const probe = JSON.stringify({ importWh: 0, exportWh: 0, timestamp: "2026-01-01T00:00:00Z" });
  neighbourhood.households.forEach((household, index) => {
    if (!parseReading(readingTopic(neighbourhood.slug, household.meteringPointId), probe).ok) {
      throw new SimulationParameterError(
        `neighbourhood.households[${index}]`,
        "slug and meteringPointId must form a valid reading topic",
        readingTopic(neighbourhood.slug, household.meteringPointId),
      );
    }
    if (!isNonNegative(household.annualKwh) || !isNonNegative(household.pvKwp)) {
      throw new SimulationParameterError(
        `neighbourhood.households[${index}]`,
        "annualKwh and pvKwp must be finite and ≥ 0",
        household,
      );
    }
    try {
      checkDevices(household, `neighbourhood.households[${index}]`);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      throw new SimulationParameterError(error.field, error.expected, error.value);
    }
  });
  return startAt.getTime() / 1000;
}

function isNonNegative(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
