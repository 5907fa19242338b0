import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import { getAddress, type Address } from "viem";

/** A metering point taken out of the directory: where it was and which on-chain meter it named. */
export type RemovedMeteringPoint = { neighbourhood: string; meteringPointId: string; meterId: string };

/**
 * The meter directory without the metering points of `owner` (the bridge's `meters.json`): after an
 * erasure the utility writes it back and restarts the bridge's flow, so no file of this software ties
 * the account's meter ids to metering points any more. Pure: the caller reads and writes the file.
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
