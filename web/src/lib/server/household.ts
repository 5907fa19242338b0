import { creditTokenAbi, neighbourhoodSettlementAbi } from "@nachbarstrom/core/abi";
import type { Address, Hex } from "viem";
import type { ChainContext } from "./chain.ts";
import {
  distinctIntervals,
  HOUSEHOLD_INTERVAL_LIMIT,
  householdMeterRows,
  newestIntervalRows,
  type HouseholdIntervalRow,
} from "./household-rows.ts";
import { meterRegistrations, type MeterRegistration } from "./meter-registrations.ts";
import { accountFigures } from "./position.ts";
import { readMeterRegistered } from "./registry-reads.ts";
import { scanBackward } from "./scan-logs.ts";

export type HouseholdView = {
  owner: Address;
  /** Credit balance and open debt (from the signed position), in credit base units. */
  balance: bigint;
  debt: bigint;
  meters: MeterRegistration[];
  rows: HouseholdIntervalRow[];
};

/** Everything the household page shows about `owner`, read from the chain. */
export async function readHousehold(chain: ChainContext, owner: Address): Promise<HouseholdView> {
  const [position, registered] = await Promise.all([
    chain.client.readContract({
      address: chain.deployment.contracts.creditToken,
      abi: creditTokenAbi,
      functionName: "positionOf",
      args: [owner],
    }),
    readMeterRegistered(chain, owner),
  ]);
  const meters = meterRegistrations(registered);
  const rows = meters.length === 0 ? [] : await readRows(chain, meters);
  return { owner, ...accountFigures(position), meters, rows };
}

/**
 * The household's rows from the ChunkSettled logs of its neighbourhoods, newest blocks first. Each
 * range's logs are decoded and cut down to the household's meters at once, so a large chunk's
 * results are not kept.
 */
async function readRows(
  { client, deployment, latestBlock }: ChainContext,
  meters: MeterRegistration[],
): Promise<HouseholdIntervalRow[]> {
  const neighbourhoods: Hex[] = [...new Set(meters.map((m) => m.neighbourhood))];
  const rows = await scanBackward({
    fromBlock: BigInt(deployment.deployedAtBlock),
    toBlock: latestBlock,
    fetchRange: async (range) =>
      householdMeterRows(
        await client.getContractEvents({
          address: deployment.contracts.neighbourhoodSettlement,
          abi: neighbourhoodSettlementAbi,
          eventName: "ChunkSettled",
          args: { neighbourhood: neighbourhoods },
          strict: true,
          ...range,
        }),
        meters,
      ),
    // One interval more than shown: its chunks lie behind those of the intervals shown, so the
    // oldest interval shown is not cut at a range boundary between its chunks.
    enough: (found) => distinctIntervals(found) > HOUSEHOLD_INTERVAL_LIMIT,
  });
  return newestIntervalRows(rows, HOUSEHOLD_INTERVAL_LIMIT);
}
