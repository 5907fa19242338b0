import { creditTokenAbi, neighbourhoodSettlementAbi } from "@nachbarstrom/core/abi";
import type { ChainContext } from "./chain.ts";
import { OPERATOR_INTERVAL_LIMIT, settledIntervalRows, type SettledIntervalRow } from "./operator-rows.ts";
import { scanBackward } from "./scan-logs.ts";

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

/** The newest settled intervals of all neighbourhoods, for the operator console. */
export async function readSettledIntervals({
  client,
  deployment,
  latestBlock,
}: ChainContext): Promise<SettledIntervalRow[]> {
  const logs = await scanBackward({
    fromBlock: BigInt(deployment.deployedAtBlock),
    toBlock: latestBlock,
    fetchRange: (range) =>
      client.getContractEvents({
        address: deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        eventName: "IntervalSettled",
        strict: true,
        ...range,
      }),
    enough: (found) => found.length >= OPERATOR_INTERVAL_LIMIT,
  });
  return settledIntervalRows(logs, OPERATOR_INTERVAL_LIMIT);
}
