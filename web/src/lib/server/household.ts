import { creditTokenAbi } from "@nachbarstrom/core/abi";
import type { Address } from "viem";
import type { PortalContext } from "./chain.ts";
import { HOUSEHOLD_INTERVAL_LIMIT, type HouseholdIntervalRow } from "./household-rows.ts";
import type { MeterRegistration } from "./meter-registrations.ts";
import { accountFigures } from "./position.ts";
import { householdRows, metersOf } from "./read-model/queries.ts";

export type HouseholdView = {
  owner: Address;
  /** Credit balance and open debt (from the signed position), in credit base units. */
  balance: bigint;
  debt: bigint;
  meters: MeterRegistration[];
  rows: HouseholdIntervalRow[];
};

/**
 * Everything the household page shows about `owner`: the position from CreditToken.positionOf (one
 * call, current state), meters and settled intervals from the read model.
 */
export async function readHousehold(
  { client, deployment, readModel }: PortalContext,
  owner: Address,
): Promise<HouseholdView> {
  const position = await client.readContract({
    address: deployment.contracts.creditToken,
    abi: creditTokenAbi,
    functionName: "positionOf",
    args: [owner],
  });
  return {
    owner,
    ...accountFigures(position),
    meters: await metersOf(readModel, owner),
    rows: await householdRows(readModel, owner, HOUSEHOLD_INTERVAL_LIMIT),
  };
}
