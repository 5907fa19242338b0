import type { Hex } from "viem";
import { compareChainOrder, type DecodedLog } from "./decoded-log.ts";

/** How many settled intervals the household page shows. */
export const HOUSEHOLD_INTERVAL_LIMIT = 24;

/** The arguments of a MeterSettled event (INeighbourhoodSettlement.sol). */
export type MeterSettledArgs = {
  neighbourhood: Hex;
  interval: bigint;
  meter: Hex;
  result: {
    importWh: bigint;
    exportWh: bigint;
    contractBoughtWh: bigint;
    contractSoldWh: bigint;
    poolBoughtWh: bigint;
    poolSoldWh: bigint;
    debit: bigint;
    credit: bigint;
  };
};

/** One meter in one settled interval, as the household's table shows it. Energy in Wh, money in base units. */
export type HouseholdIntervalRow = {
  neighbourhood: Hex;
  interval: bigint;
  meter: Hex;
  importWh: bigint;
  exportWh: bigint;
  /** Bought from neighbours: through power contracts and from the pool. */
  localBoughtWh: bigint;
  localSoldWh: bigint;
  debit: bigint;
  credit: bigint;
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
  const { neighbourhood, interval, meter, result: r } = args;
  const localBoughtWh = r.contractBoughtWh + r.poolBoughtWh;
  const localSoldWh = r.contractSoldWh + r.poolSoldWh;
  return {
    neighbourhood,
    interval,
    meter,
    importWh: r.importWh,
    exportWh: r.exportWh,
    localBoughtWh,
    localSoldWh,
    debit: r.debit,
    credit: r.credit,
    fromGridWh: r.importWh - localBoughtWh,
    toGridWh: r.exportWh - localSoldWh,
    net: r.credit - r.debit,
    transactionHash,
  };
}

function descending(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function ascending(a: bigint, b: bigint): number {
  return -descending(a, b);
}
