import type { Hex } from "viem";
import { compareChainOrder, type DecodedLog } from "./decoded-log.ts";

/** How many settled intervals the operator console shows. */
export const OPERATOR_INTERVAL_LIMIT = 50;

export type IntervalSettledArgs = {
  neighbourhood: Hex;
  interval: bigint;
  commitment: Hex;
  batchKey: Hex;
  meterCount: number;
  importWh: bigint;
  exportWh: bigint;
  localWh: bigint;
};

export type SettledIntervalRow = IntervalSettledArgs & { transactionHash: Hex; blockNumber: bigint };

/** IntervalSettled logs as rows: the newest `limit`, newest interval first, later settlements first within one. */
export function settledIntervalRows(
  logs: readonly DecodedLog<IntervalSettledArgs>[],
  limit: number = OPERATOR_INTERVAL_LIMIT,
): SettledIntervalRow[] {
  return [...logs]
    .sort((a, b) =>
      a.args.interval === b.args.interval ? compareChainOrder(b, a) : a.args.interval > b.args.interval ? -1 : 1,
    )
    .slice(0, limit)
    .map(({ args, transactionHash, blockNumber }) => ({ ...args, transactionHash, blockNumber }));
}
