/**
 * Scenario files for the offline year: a neighbourhood (households with their annual consumption,
 * PV and roof, and optionally a heat pump, an electric car and a home battery), where it lies, the seed of its weather and appliance draws, and its tariff. The
 * households are listed one by one or drawn by a generator (src/generate.ts). See README.md.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Tariff } from "@nachbarstrom/core";
import type { BatterySpec } from "./battery.ts";
import type { EvSpec } from "./ev.ts";
import { generatedMeteringPointId, generateHouseholds, type Generator } from "./generate.ts";
import type { HeatPumpSpec } from "./heat-pump.ts";
import {
  BATTERY,
  checkDevices,
  checkGeneratorDevices,
  DEVICE_LIMITS,
  EV,
  GENERATOR_DEVICES,
  HEAT_PUMP,
} from "./scenario-devices.ts";
import type { Roof, Site } from "./solar.ts";
import { arrayOf, checkRange, numberIn, object, optional, ScenarioError, text, type Check } from "./validate.ts";

export type ScenarioHousehold = {
  label: string;
  /** Metering point id; generated (fictitious, `DE0009999…`) when the file gives none. */
  meteringPointId: string;
  annualKwh: number;
  pvKwp: number;
  /** The PV plane; absent: horizontal. */
  roof?: Roof;
  heatPump?: HeatPumpSpec;
  ev?: EvSpec;
  /** Behind the meter; only with PV. */
  battery?: BatterySpec;
};

export type Scenario = {
  name: string;
  slug: string;
  /** Calendar year simulated, in German time: 1 January 00:00 CET to 1 January 00:00 CET. */
  year: number;
  seed: number;
  site: Site;
  /** Net prices in micro-euro per kWh and VAT in basis points, as @nachbarstrom/core's Tariff. */
  tariff: Tariff;
  households: ScenarioHousehold[];
};

/**
 * Bounds that keep the offline year's arithmetic in doubles exact (year.ts): an interval's import
 * stays below 25 kWh (household at most about 33 kW, heat pump at worst about 30 kW, car 22 kW; a battery
 * charges from PV only), so Wh × net grid price (≤ 5 × 2 €/kWh) × VAT factor (≤ 2) < 2^53, and every
 * household's yearly sum in Wh, µWh or micro-euro stays below 2^53 (devices: scenario-devices.ts).
 */
export const LIMITS = {
  households: 100_000,
  annualKwh: 100_000,
  pvKwp: 1000,
  priceMicroEuroPerKwh: 2_000_000,
  ...DEVICE_LIMITS,
};

/** The tariff's prices, net, in micro-euro per kWh (as Tariff in @nachbarstrom/core); VAT apart, in basis points. */
export const TARIFF_PRICES = [
  "gridEnergy",
  "gridFee",
  "localGridFee",
  "electricityTax",
  "concessionFee",
  "levies",
  "feedInPrice",
  "communityPrice",
] as const;

const SEED = numberIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, { integer: true });
const PRICE = numberIn(0, LIMITS.priceMicroEuroPerKwh, { integer: true });
const ROOF = object({ azimuth: numberIn(0, 360), tilt: numberIn(0, 90) });
const RANGE = (max: number) => object({ min: numberIn(0, max), max: numberIn(0, max) });

const HOUSEHOLD = object({
  label: optional(text(/^.{1,80}$/u, "must be a text of 1 to 80 characters")),
  meteringPointId: optional(text(/^[A-Za-z0-9._-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_' or '-'")),
  annualKwh: numberIn(0, LIMITS.annualKwh),
  pvKwp: numberIn(0, LIMITS.pvKwp),
  roof: optional(ROOF),
  heatPump: optional(HEAT_PUMP),
  ev: optional(EV),
  battery: optional(BATTERY),
});

const GENERATOR = object({
  households: numberIn(1, LIMITS.households, { integer: true }),
  seed: SEED,
  annualKwh: RANGE(LIMITS.annualKwh),
  pvShare: numberIn(0, 1),
  pvKwp: RANGE(LIMITS.pvKwp),
  roofs: optional(arrayOf(ROOF, 1, 100)),
  ...GENERATOR_DEVICES,
});

const SCENARIO = object({
  $schema: optional(text(/^/, "must be a text")),
  description: optional(text(/^/, "must be a text")),
  name: text(/^.{1,100}$/u, "must be a text of 1 to 100 characters"),
  slug: text(/^[a-z0-9-]{1,64}$/, "must be 1 to 64 lower-case letters, digits or '-'"),
  year: numberIn(2000, 2100, { integer: true }),
  seed: SEED,
  location: object({ latitude: numberIn(-90, 90), longitude: numberIn(-180, 180) }),
  tariff: object({
    ...Object.fromEntries(TARIFF_PRICES.map((name) => [name, PRICE])),
    vatBasisPoints: numberIn(0, 10_000, { integer: true }),
  } as Record<(typeof TARIFF_PRICES)[number] | "vatBasisPoints", Check<number>>),
  households: optional(arrayOf(HOUSEHOLD, 1, LIMITS.households)),
  generator: optional(GENERATOR),
});

/** Checks a parsed scenario file and resolves it (generator expanded, ids filled in); throws a ScenarioError naming the field. */
export function parseScenario(json: unknown): Scenario {
  const raw = SCENARIO(json, "");
  if ((raw.households === undefined) === (raw.generator === undefined)) {
    throw new ScenarioError(
      "households",
      'give either "households" or "generator", not both or neither',
      raw.households,
    );
  }
  let listed: ScenarioHousehold[];
  if (raw.generator !== undefined) {
    checkRange(raw.generator.annualKwh, "generator.annualKwh");
    checkRange(raw.generator.pvKwp, "generator.pvKwp");
    checkGeneratorDevices(raw.generator);
    listed = generateHouseholds(raw.generator satisfies Generator);
  } else {
    listed = (raw.households ?? []).map((household, index) => ({
      label: household.label ?? `#${index + 1}`,
      meteringPointId: household.meteringPointId ?? generatedMeteringPointId(index),
      annualKwh: household.annualKwh,
      pvKwp: household.pvKwp,
      ...(household.roof === undefined ? {} : { roof: household.roof }),
      ...(household.heatPump === undefined ? {} : { heatPump: household.heatPump }),
      ...(household.ev === undefined ? {} : { ev: household.ev }),
      ...(household.battery === undefined ? {} : { battery: household.battery }),
    }));
  }
  const where = raw.generator === undefined ? "households" : "generator: households";
  listed.forEach((household, index) => checkDevices(household, `${where}[${index}]`));
  const seen = new Map<string, number>();
  listed.forEach(({ meteringPointId }, index) => {
    const first = seen.get(meteringPointId);
    if (first !== undefined) {
      throw new ScenarioError(
        `households[${index}].meteringPointId`,
        `repeats households[${first}]'s`,
        meteringPointId,
      );
    }
    seen.set(meteringPointId, index);
  });
  const prices = Object.fromEntries(TARIFF_PRICES.map((name) => [name, BigInt(raw.tariff[name])]));
  return {
    name: raw.name,
    slug: raw.slug,
    year: raw.year,
    seed: raw.seed,
    site: { latitude: raw.location.latitude, longitude: raw.location.longitude },
    tariff: {
      ...(prices as Record<(typeof TARIFF_PRICES)[number], bigint>),
      vatBasisPoints: raw.tariff.vatBasisPoints,
    },
    households: listed,
  };
}

/** Reads and checks a scenario file; errors name the file, the field and the value. */
export async function loadScenario(path: string): Promise<Scenario> {
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ScenarioError("file", "cannot be read", code, basename(path));
  }
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (cause) {
    throw new ScenarioError("file", "must be valid JSON", (cause as Error).message, basename(path));
  }
  try {
    return parseScenario(json);
  } catch (error) {
    throw error instanceof ScenarioError ? error.inFile(basename(path)) : error;
  }
}

/** First and last instant of the scenario's year (German time), as unix seconds. */
export function yearBounds(year: number): { startUnix: number; endUnix: number } {
  // 1 January is always winter time (UTC+1).
  return { startUnix: Date.UTC(year, 0, 1) / 1000 - 3600, endUnix: Date.UTC(year + 1, 0, 1) / 1000 - 3600 };
}
