import { meterRegistryAbi, tariffScheduleAbi } from "@nachbarstrom/core/abi";
import type { Hex } from "viem";
import { revertReasonOf } from "../actions/revert.ts";
import type { ChainContext } from "../chain.ts";

/** IMeterRegistry.Neighbourhood as viem reads it. */
export type NeighbourhoodOnChain = {
  allocationKey: number;
  tariffNoticeIntervals: number;
  contractNoticeIntervals: number;
  costCap: boolean;
};

/**
 * A neighbourhood's rules from MeterRegistry.neighbourhoodOf, undefined when it is not registered. The
 * chain, not the read model: right after a registration the read model has not caught up yet.
 */
export async function neighbourhoodOnChain(
  { client, deployment }: ChainContext,
  neighbourhood: Hex,
): Promise<NeighbourhoodOnChain | undefined> {
  try {
    return await client.readContract({
      address: deployment.contracts.meterRegistry,
      abi: meterRegistryAbi,
      functionName: "neighbourhoodOf",
      args: [neighbourhood],
    });
  } catch (cause) {
    if (revertReasonOf(cause)?.error === "RegistryNeighbourhoodUnknown") return undefined;
    throw cause;
  }
}

/** Whether TariffSchedule has any tariff for the neighbourhood (setInitialTariff can be called once). */
export async function hasTariff({ client, deployment }: ChainContext, neighbourhood: Hex): Promise<boolean> {
  const history = await client.readContract({
    address: deployment.contracts.tariffSchedule,
    abi: tariffScheduleAbi,
    functionName: "tariffHistory",
    args: [neighbourhood],
  });
  return history.length > 0;
}

/** IMeterRegistry.Meter as viem reads it. */
export type MeterOnChain = {
  neighbourhood: Hex;
  owner: Hex;
  number: number;
  active: boolean;
  maxBuyPrice: number;
  minSellPrice: number;
  shareWeight: number;
};

/** A meter's latest record (MeterRegistry.meterOf), undefined when the meter is unknown. */
export async function meterOnChain(
  { client, deployment }: ChainContext,
  meter: Hex,
): Promise<MeterOnChain | undefined> {
  try {
    return await client.readContract({
      address: deployment.contracts.meterRegistry,
      abi: meterRegistryAbi,
      functionName: "meterOf",
      args: [meter],
    });
  } catch (cause) {
    if (revertReasonOf(cause)?.error === "RegistryMeterUnknown") return undefined;
    throw cause;
  }
}
