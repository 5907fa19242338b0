import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readMeterDirectory, type MeterDirectory } from "@nachbarstrom/core/deployment";
import { NachbarstromError } from "@nachbarstrom/core/errors";

/** The environment variable with the bridge's meter directory file, as the bridge itself reads it. */
export const METERS_ENV = "NACHBARSTROM_METERS";

/** The bridge's meters.json as the portal's environment names it; undefined when it does not. */
export function meterDirectoryPath(env: Record<string, string | undefined> = process.env): string | undefined {
  return env[METERS_ENV]?.trim() || undefined;
}

/** Reads and validates the directory file; the error names the file and what was wrong in it. */
export function readDirectoryFile(file: string): MeterDirectory {
  return readMeterDirectory(file);
}

/**
 * Replaces the directory file so that the bridge, which reloads it when it changes, never sees half a
 * file: the new contents go to a temporary file in the same folder, are flushed to disk, and the
 * temporary file is renamed over the old one (atomic on one file system); the folder is flushed too,
 * so the rename survives a crash.
 */
export function writeDirectoryFile(file: string, directory: MeterDirectory): void {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(temporary, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(directory, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (cause) {
    try {
      unlinkSync(temporary);
    } catch {
      // Not written, or renamed already: nothing to clean up.
    }
    throw new NachbarstromError(`Cannot write the meter directory ${file}`, {
      details: (cause as Error).message,
      cause,
    });
  }
  const folder = openSync(dirname(file), "r");
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}
