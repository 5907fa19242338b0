import { meterRegistryAbi, tariffScheduleAbi } from "@nachbarstrom/core/abi";
import { intervalOf } from "@nachbarstrom/core/units";
import type { Hex } from "viem";
import type { ChainContext } from "../chain.ts";
import { sql } from "@nachbarstrom/core/database";
import { allRows, textColumn, type ReadModelDb } from "../read-model/store.ts";
import type { AnnounceRules } from "./tariff-proposal.ts";

/** The neighbourhoods the read model knows, in the order they were registered. */
export async function knownNeighbourhoods(db: ReadModelDb): Promise<Hex[]> {
  return (await allRows(db, sql`SELECT neighbourhood FROM neighbourhoods ORDER BY block_number, log_index`)).map(
    (row) => textColumn(row, "neighbourhood").toLowerCase() as Hex,
  );
}

/**
 * What TariffSchedule.announceTariff will accept for `neighbourhood`, read from the chain: the notice
 * period (MeterRegistry.neighbourhoodOf), the chain's current interval (latest block's timestamp, as the
 * contract uses block.timestamp) and the newest announced tariff (tariffHistory).
 */
export async function readAnnounceRules(
  { client, deployment }: ChainContext,
  neighbourhood: Hex,
): Promise<AnnounceRules> {
  const [config, history, block] = await Promise.all([
    client.readContract({
      address: deployment.contracts.meterRegistry,
      abi: meterRegistryAbi,
      functionName: "neighbourhoodOf",
      args: [neighbourhood],
    }),
    client.readContract({
      address: deployment.contracts.tariffSchedule,
      abi: tariffScheduleAbi,
      functionName: "tariffHistory",
      args: [neighbourhood],
    }),
    client.getBlock({ blockTag: "latest" }),
  ]);
  const noticeIntervals = Number(config.tariffNoticeIntervals);
  return {
    earliest: intervalOf(Number(block.timestamp)) + BigInt(noticeIntervals),
    last: history.length > 0 ? history[history.length - 1].effectiveFrom : undefined,
    noticeIntervals,
  };
}
