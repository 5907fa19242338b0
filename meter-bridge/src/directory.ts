import { readMeterDirectory, type MeterDirectory } from "@nachbarstrom/core";
import type { Hex } from "viem";
import { BridgeConfigurationError } from "./errors.ts";

/** One neighbourhood of the utility's meter directory, indexed by metering point id. */
export type DirectoryNeighbourhood = {
  slug: string;
  id: Hex;
  /** metering point id → pseudonymous on-chain meter id */
  meters: ReadonlyMap<string, Hex>;
};

/** The meter directory indexed by neighbourhood slug. */
export type DirectoryIndex = ReadonlyMap<string, DirectoryNeighbourhood>;

export type LookupResult =
  { ok: true; neighbourhood: DirectoryNeighbourhood; meterId: Hex } | { ok: false; reason: string };

export function indexDirectory(directory: MeterDirectory): DirectoryIndex {
  const index = new Map<string, DirectoryNeighbourhood>();
  for (const hood of directory.neighbourhoods) {
    const meters = new Map<string, Hex>();
    for (const meter of hood.meters) meters.set(meter.meteringPointId, meter.meterId as Hex);
    index.set(hood.slug, { slug: hood.slug, id: hood.id as Hex, meters });
  }
  return index;
}

/** Finds a metering point of a neighbourhood; the reason names what is unknown. */
export function lookupMeter(index: DirectoryIndex, slug: string, meteringPointId: string): LookupResult {
  const neighbourhood = index.get(slug);
  if (!neighbourhood) {
    return { ok: false, reason: `unknown neighbourhood "${slug}": it is not in the meter directory` };
  }
  const meterId = neighbourhood.meters.get(meteringPointId);
  if (!meterId) {
    return {
      ok: false,
      reason: `unknown metering point "${meteringPointId}": it is not registered in neighbourhood "${slug}"`,
    };
  }
  return { ok: true, neighbourhood, meterId };
}

export type ConfiguredFileParameters = {
  /** The path set on the node; may be empty. */
  configured: string | undefined;
  /** The value of the environment variable that is the default. */
  fromEnv: string | undefined;
  envName: string;
  what: string;
};

/** The node's own setting wins; else the environment variable; else a configuration error. */
export function configuredFile({ configured, fromEnv, envName, what }: ConfiguredFileParameters): string {
  const file = configured?.trim() || fromEnv?.trim();
  if (!file) {
    throw new BridgeConfigurationError(`No ${what} file is configured`, {
      details: `set the file on the node or the environment variable ${envName}`,
    });
  }
  if (/^\$\{.+\}$/.test(file)) {
    throw new BridgeConfigurationError(`No ${what} file is configured`, {
      details: `the setting refers to ${file}, which is not set in the environment`,
    });
  }
  return file;
}

/** The environment variable naming the meter directory file when a node does not. */
export const METERS_ENV = "NACHBARSTROM_METERS";

/** The meter directory file a node uses: its own setting, else NACHBARSTROM_METERS. */
export function meterDirectoryFile(configured: string | undefined, fromEnv: string | undefined): string {
  return configuredFile({ configured, fromEnv, envName: METERS_ENV, what: "meter directory" });
}

/** Reads and indexes the meter directory file (see @nachbarstrom/core readMeterDirectory). */
export function loadDirectory(file: string): DirectoryIndex {
  return indexDirectory(readMeterDirectory(file));
}
