import { statSync } from "node:fs";
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

/** What a check of the directory file found. */
export type DirectoryReload =
  | { kind: "unchanged" }
  | { kind: "reloaded"; file: string; neighbourhoods: number; meters: number }
  /** The file changed but cannot be read or is invalid: the directory in force stays. */
  | { kind: "invalid"; file: string; error: unknown };

/** The meter directory of a running node, kept in step with its file. */
export type WatchedDirectory = {
  /**
   * The directory in force. A reload replaces its contents in place, so whoever holds it (the reading
   * gate, the decoders) looks meters up in the new directory from then on.
   */
  readonly index: DirectoryIndex;
  /**
   * Looks at the file's modification time, size and inode (at most once per `everyMs`, unless forced)
   * and reloads it when one of them changed. An invalid version is reported once and then left alone
   * until the file changes again.
   */
  refresh(options?: { force?: boolean }): DirectoryReload;
};

export type WatchDirectoryParameters = {
  file: string;
  /** The least time between two looks at the file; default one second. */
  everyMs?: number;
  /** Wall clock in ms; injectable for tests. */
  now?: () => number;
};

/**
 * Loads the meter directory file and watches it for changes, so onboarding a meter (the portal rewrites
 * the file atomically: temp file, fsync, rename) takes effect without restarting the bridge. Throws when
 * the file cannot be loaded at start: then the node is not configured.
 */
export function watchDirectory({ file, everyMs = 1000, now = Date.now }: WatchDirectoryParameters): WatchedDirectory {
  let version = versionOf(file);
  const index = new Map(loadDirectory(file));
  let checkedAt = now();

  return {
    index,
    refresh({ force = false } = {}) {
      if (!force && now() - checkedAt < everyMs) return { kind: "unchanged" };
      checkedAt = now();
      // The version before the contents: a change in between is seen at the next look, never missed.
      let seen: string;
      try {
        seen = versionOf(file);
      } catch (error) {
        if (version === "missing") return { kind: "unchanged" };
        version = "missing";
        return { kind: "invalid", file, error };
      }
      if (seen === version) return { kind: "unchanged" };
      version = seen;
      let next: DirectoryIndex;
      try {
        next = loadDirectory(file);
      } catch (error) {
        return { kind: "invalid", file, error };
      }
      index.clear();
      for (const [slug, hood] of next) index.set(slug, hood);
      const meters = [...next.values()].reduce((sum, hood) => sum + hood.meters.size, 0);
      return { kind: "reloaded", file, neighbourhoods: next.size, meters };
    },
  };
}

/** Whether the directory in force knows the metering point (a reading for it may follow a reload). */
export function knowsMeter(index: DirectoryIndex, slug: string, meteringPointId: string): boolean {
  return index.get(slug)?.meters.has(meteringPointId) ?? false;
}

/** The log line for a reload, or undefined when nothing changed; an invalid file's line names its error. */
export function reloadLogText(reload: DirectoryReload): { level: "log" | "warn"; text: string } | undefined {
  if (reload.kind === "reloaded") {
    return {
      level: "log",
      text: `Meter directory ${reload.file} reloaded: ${reload.meters} metering points in ${reload.neighbourhoods} neighbourhoods`,
    };
  }
  if (reload.kind === "invalid") {
    const error = reload.error as { shortMessage?: string; details?: string; message?: string };
    const reason = [error.shortMessage ?? error.message, error.details].filter(Boolean).join(": ");
    return {
      level: "warn",
      text: `Meter directory ${reload.file} changed but was not loaded (${reason}); the previous directory stays in force`,
    };
  }
  return undefined;
}

function versionOf(file: string): string {
  const stats = statSync(file, { bigint: true });
  return `${stats.mtimeNs}:${stats.size}:${stats.ino}`;
}
