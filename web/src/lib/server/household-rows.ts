import type { Hex } from "viem";
import { compareChainOrder, type DecodedLog } from "./decoded-log.ts";

/** How many settled intervals the household page shows. */
export const HOUSEHOLD_INTERVAL_LIMIT = 24;

export type MeterSettledArgs = {
  neighbourhood: Hex;
  interval: bigint;
  meter: Hex;
  importWh: bigint;
  exportWh: bigint;
  localBoughtWh: bigint;
  localSoldWh: bigint;
  debit: bigint;
  credit: bigint;
};

/** One meter in one settled interval, as the household's table shows it. Energy in Wh, money in base units. */
export type HouseholdIntervalRow = MeterSettledArgs & {
  fromGridWh: bigint;
  toGridWh: bigint;
  /** credit − debit: positive when the household received more than it paid. */
  net: bigint;
  transactionHash: Hex;
};

/** MeterSettled logs as rows: the newest `limit` intervals, newest first, meters in id order within one. */
export function householdRows(
  logs: readonly DecodedLog<MeterSettledArgs>[],
  limit: number = HOUSEHOLD_INTERVAL_LIMIT,
): HouseholdIntervalRow[] {
  const rows = [...logs].sort(compareChainOrder).map(toRow);
  const newest = [...new Set(rows.map((row) => row.interval))].sort(descending).slice(0, limit);
  const shown = new Set(newest);
  return rows
    .filter((row) => shown.has(row.interval))
    .sort((a, b) => descending(a.interval, b.interval) || ascending(BigInt(a.meter), BigInt(b.meter)));
}

/** How many distinct intervals some logs cover: the scan stops once there are enough. */
export function distinctIntervals(logs: readonly DecodedLog<{ interval: bigint }>[]): number {
  return new Set(logs.map((log) => log.args.interval)).size;
}

function toRow({ args, transactionHash }: DecodedLog<MeterSettledArgs>): HouseholdIntervalRow {
  return {
    ...args,
    fromGridWh: args.importWh - args.localBoughtWh,
    toGridWh: args.exportWh - args.localSoldWh,
    net: args.credit - args.debit,
    transactionHash,
  };
}

function descending(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function ascending(a: bigint, b: bigint): number {
  return -descending(a, b);
}
