import { neighbourhoodSettlementAbi } from "@nachbarstrom/core/abi";
import type { ChainContext } from "./chain.ts";
import { OPERATOR_INTERVAL_LIMIT, settledIntervalRows, type SettledIntervalRow } from "./operator-rows.ts";
import { scanBackward } from "./scan-logs.ts";

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
