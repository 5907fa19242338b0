import { creditTokenAbi, neighbourhoodSettlementAbi } from "@nachbarstrom/core/abi";
import type { Address, Hex } from "viem";
import type { ChainContext } from "./chain.ts";
import {
  distinctIntervals,
  HOUSEHOLD_INTERVAL_LIMIT,
  householdRows,
  type HouseholdIntervalRow,
} from "./household-rows.ts";
import { meterRegistrations, type MeterRegistration } from "./meter-registrations.ts";
import { readMeterRegistered } from "./registry-reads.ts";
import { scanBackward } from "./scan-logs.ts";

export type HouseholdView = {
  owner: Address;
  /** Credit balance and open debt, in credit base units. */
  balance: bigint;
  debt: bigint;
  meters: MeterRegistration[];
  rows: HouseholdIntervalRow[];
};

/** Everything the household page shows about `owner`, read from the chain. */
export async function readHousehold(chain: ChainContext, owner: Address): Promise<HouseholdView> {
  const token = { address: chain.deployment.contracts.creditToken, abi: creditTokenAbi } as const;
  const [balance, debt, registered] = await Promise.all([
    chain.client.readContract({ ...token, functionName: "balanceOf", args: [owner] }),
    chain.client.readContract({ ...token, functionName: "debtOf", args: [owner] }),
    readMeterRegistered(chain, owner),
  ]);
  const meters = meterRegistrations(registered);
  const rows =
    meters.length === 0
      ? []
      : await readRows(
          chain,
          meters.map((m) => m.meter),
        );
  return { owner, balance, debt, meters, rows };
}

async function readRows(
  { client, deployment, latestBlock }: ChainContext,
  meters: Hex[],
): Promise<HouseholdIntervalRow[]> {
  const logs = await scanBackward({
    fromBlock: BigInt(deployment.deployedAtBlock),
    toBlock: latestBlock,
    fetchRange: (range) =>
      client.getContractEvents({
        address: deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        eventName: "MeterSettled",
        args: { meter: meters },
        strict: true,
        ...range,
      }),
    enough: (found) => distinctIntervals(found) >= HOUSEHOLD_INTERVAL_LIMIT,
  });
  return householdRows(logs, HOUSEHOLD_INTERVAL_LIMIT);
}
