import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import { getAddress, type Address } from "viem";
import { readDirectoryFile, writeDirectoryFile } from "../meters/directory-file.ts";

/** A metering point taken out of the directory: where it was and which on-chain meter it named. */
export type RemovedMeteringPoint = { neighbourhood: string; meteringPointId: string; meterId: string };

/**
 * The meter directory without the metering points of `owner` (the bridge's `meters.json`): after an
 * erasure no file of this software ties the account's meter ids to metering points any more. Pure:
 * removeOwnerFromDirectoryFile reads and writes the file.
 * Refuses nothing; the console refuses an erasure while the account still has an active meter, whose
 * readings the bridge would otherwise reject.
 */
export function withoutOwner(
  directory: MeterDirectory,
  owner: Address,
): { directory: MeterDirectory; removed: RemovedMeteringPoint[] } {
  const account = getAddress(owner);
  const removed: RemovedMeteringPoint[] = [];
  const neighbourhoods = directory.neighbourhoods.map((hood) => ({
    ...hood,
    meters: hood.meters.filter((meter) => {
      if (getAddress(meter.owner) !== account) return true;
      removed.push({ neighbourhood: hood.slug, meteringPointId: meter.meteringPointId, meterId: meter.meterId });
      return false;
    }),
  }));
  return { directory: { neighbourhoods }, removed };
}

/**
 * Takes `owner`'s metering points out of the bridge's directory file, written atomically (the bridge
 * reloads it by itself); the file is left untouched when it names none. Answers what was removed.
 */
export function removeOwnerFromDirectoryFile(file: string, owner: Address): RemovedMeteringPoint[] {
  const { directory, removed } = withoutOwner(readDirectoryFile(file), owner);
  if (removed.length > 0) writeDirectoryFile(file, directory);
  return removed;
}
