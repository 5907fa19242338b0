import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import type { Address } from "viem";
import type { ChainContext } from "./chain.ts";
import type { DecodedLog } from "./decoded-log.ts";
import type { MeterRegisteredArgs } from "./meter-registrations.ts";
import { scanBackward } from "./scan-logs.ts";

/** MeterRegistered logs since the deployment, optionally of one owner. */
export function readMeterRegistered(
  { client, deployment, latestBlock }: ChainContext,
  owner?: Address,
): Promise<DecodedLog<MeterRegisteredArgs>[]> {
  return scanBackward({
    fromBlock: BigInt(deployment.deployedAtBlock),
    toBlock: latestBlock,
    fetchRange: (range) =>
      client.getContractEvents({
        address: deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        eventName: "MeterRegistered",
        args: owner ? { owner } : undefined,
        strict: true,
        ...range,
      }),
  });
}
