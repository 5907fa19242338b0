import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import type { Address, Hex } from "viem";
import type { ChainContext } from "../chain.ts";

/** One meter of a static-shares neighbourhood with its weight now and from the next interval on. */
export type ShareMeter = {
  meterId: Hex;
  number: number;
  owner: Address;
  active: boolean;
  /** The weight settlement uses for the interval running now (MeterRegistry.meterAt). */
  weightNow: number;
  /** The latest weight set (MeterRegistry.meterOf): it counts from the interval after it was set. */
  weightNext: number;
};

/**
 * The meters of a static-shares neighbourhood in registration order with their share weights, read
 * from the chain (metersIn, then meterOf and meterAt per meter: a neighbourhood has tens of meters, not
 * thousands). `now` is the ledger's current interval.
 */
export async function shareMeters(
  { client, deployment }: ChainContext,
  neighbourhood: Hex,
  now: bigint,
): Promise<ShareMeter[]> {
  const registry = { address: deployment.contracts.meterRegistry, abi: meterRegistryAbi } as const;
  const ids = await client.readContract({ ...registry, functionName: "metersIn", args: [neighbourhood] });
  return Promise.all(
    ids.map(async (meterId) => {
      const [latest, current] = await Promise.all([
        client.readContract({ ...registry, functionName: "meterOf", args: [meterId] }),
        client.readContract({ ...registry, functionName: "meterAt", args: [meterId, now] }),
      ]);
      return {
        meterId,
        number: latest.number,
        owner: latest.owner,
        active: latest.active,
        weightNow: current.shareWeight,
        weightNext: latest.shareWeight,
      };
    }),
  );
}
