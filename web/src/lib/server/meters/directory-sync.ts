import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import type { AccountsStore } from "../auth/store.ts";
import { registeredNeighbourhoods, type RegisteredNeighbourhood } from "../neighbourhoods/registered.ts";
import { readDirectoryFile, writeDirectoryFile } from "./directory-file.ts";
import { listMeteringPoints, retiredMeterIds, type MeteringPoint } from "./metering-points.ts";

/** What a sync changed in the bridge's directory: metering points added and removed, neighbourhoods added (slugs). */
export type DirectorySync = { added: string[]; removed: string[]; neighbourhoods: string[] };

/**
 * The directory the bridge should have: `directory` with every neighbourhood of `hoods` (registered
 * here, with no meters yet) and every registered, not retired metering point of `points` added (its
 * neighbourhood too, when the file lacks it) and every meter a confirmed retirement retired taken out.
 * Pure; entries the file has already stay as they are.
 */
export function syncedDirectory(
  directory: MeterDirectory,
  points: readonly MeteringPoint[],
  retired: ReadonlySet<string>,
  hoods: readonly RegisteredNeighbourhood[] = [],
): { directory: MeterDirectory; sync: DirectorySync } {
  const sync: DirectorySync = { added: [], removed: [], neighbourhoods: [] };
  const known = new Set(directory.neighbourhoods.flatMap((hood) => hood.meters.map((m) => m.meteringPointId)));
  const neighbourhoods = directory.neighbourhoods.map((hood) => ({
    ...hood,
    meters: hood.meters.filter((meter) => {
      if (!retired.has(meter.meterId.toLowerCase())) return true;
      sync.removed.push(meter.meteringPointId);
      return false;
    }),
  }));
  for (const hood of hoods) {
    if (neighbourhoods.some((h) => h.id.toLowerCase() === hood.id.toLowerCase())) continue;
    neighbourhoods.push({ slug: hood.slug, id: hood.id, meters: [] });
    sync.neighbourhoods.push(hood.slug);
  }
  for (const point of points) {
    if (point.registration !== "registered" || point.retiredAt !== undefined) continue;
    if (known.has(point.meteringPointId) || retired.has(point.meterId.toLowerCase())) continue;
    let hood = neighbourhoods.find((h) => h.id.toLowerCase() === point.neighbourhood.toLowerCase());
    if (!hood) {
      hood = { slug: point.slug, id: point.neighbourhood, meters: [] };
      neighbourhoods.push(hood);
    }
    hood.meters.push({ meteringPointId: point.meteringPointId, meterId: point.meterId, owner: point.owner });
    sync.added.push(point.meteringPointId);
  }
  return { directory: { neighbourhoods }, sync };
}

/**
 * Brings the bridge's directory file in line with the confirmed actions: registered neighbourhoods and
 * metering points in, retired meters out. Writes (atomically) only when something changed; the bridge
 * reloads it by itself.
 */
export async function syncDirectoryFile(store: AccountsStore, file: string): Promise<DirectorySync> {
  const current = readDirectoryFile(file);
  const { directory, sync } = syncedDirectory(
    current,
    await listMeteringPoints(store),
    await retiredMeterIds(store),
    await registeredNeighbourhoods(store),
  );
  if (sync.added.length > 0 || sync.removed.length > 0 || sync.neighbourhoods.length > 0) {
    writeDirectoryFile(file, directory);
  }
  return sync;
}
