import { creditTokenAbi } from "@nachbarstrom/core/abi";
import type { ChainContext, PortalContext } from "./chain.ts";
import { OPERATOR_INTERVAL_LIMIT, type SettledIntervalRow } from "./operator-rows.ts";
import { settledIntervals } from "./read-model/queries.ts";

/** The credit ledger's totals, in credit base units. */
export type CreditTotals = {
  /** The treasury's signed position; negative while the utility advances producers' pay. */
  treasuryPosition: bigint;
  /** Euros topped up minus euros paid out: the sum of every position, the treasury's included. */
  issued: bigint;
};

/** The treasury position and the credit issued, for the operator console. */
export async function readCreditTotals({ client, deployment }: ChainContext): Promise<CreditTotals> {
  const token = { address: deployment.contracts.creditToken, abi: creditTokenAbi } as const;
  const [treasuryPosition, issued] = await Promise.all([
    client.readContract({ ...token, functionName: "treasuryPosition" }),
    client.readContract({ ...token, functionName: "issued" }),
  ]);
  return { treasuryPosition, issued };
}

/** The newest settled intervals of all neighbourhoods, for the operator console, from the read model. */
export function readSettledIntervals({ readModel }: PortalContext): Promise<SettledIntervalRow[]> {
  return settledIntervals(readModel, OPERATOR_INTERVAL_LIMIT);
}
