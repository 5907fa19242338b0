import { decodeChunkResults, type ChunkResult } from "@nachbarstrom/core/packed";
import type { Hex } from "viem";
import { compareChainOrder, type DecodedLog } from "./decoded-log.ts";
import type { MeterRegistration } from "./meter-registrations.ts";

/** How many settled intervals the household page shows. */
export const HOUSEHOLD_INTERVAL_LIMIT = 24;

/** The arguments of a ChunkSettled event (INeighbourhoodSettlement.sol): `results` has 44 bytes per meter. */
export type ChunkSettledArgs = {
  neighbourhood: Hex;
  interval: bigint;
  chunk: number;
  results: Hex;
};

/** One meter in one settled interval, as the household's table shows it. Energy in Wh, money in base units. */
export type HouseholdIntervalRow = {
  neighbourhood: Hex;
  interval: bigint;
  meter: Hex;
  /** The meter's number in the registry, by which ChunkSettled names it. */
  number: number;
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

/**
 * The household's meters in ChunkSettled logs, as rows in chain order: each log's results are
 * decoded and the entries of `meters` kept, matched by neighbourhood and meter number.
 */
export function householdMeterRows(
  logs: readonly DecodedLog<ChunkSettledArgs>[],
  meters: readonly MeterRegistration[],
): HouseholdIntervalRow[] {
  const ours = new Map(meters.map((m) => [meterKey(m.neighbourhood, m.number), m]));
  return [...logs].sort(compareChainOrder).flatMap(({ args, transactionHash }) =>
    decodeChunkResults(args.results).flatMap((result) => {
      const registration = ours.get(meterKey(args.neighbourhood, result.number));
      return registration ? [householdRow(registration, args.interval, result, transactionHash)] : [];
    }),
  );
}

/** One meter's result in a settled interval as the household's table shows it: local, grid and net derived. */
export function householdRow(
  registration: MeterRegistration,
  interval: bigint,
  result: ChunkResult,
  transactionHash: Hex,
): HouseholdIntervalRow {
  const localBoughtWh = result.contractBoughtWh + result.poolBoughtWh;
  const localSoldWh = result.contractSoldWh + result.poolSoldWh;
  return {
    neighbourhood: registration.neighbourhood,
    interval,
    meter: registration.meter,
    number: result.number,
    importWh: result.importWh,
    exportWh: result.exportWh,
    localBoughtWh,
    localSoldWh,
    debit: result.debit,
    credit: result.credit,
    fromGridWh: result.importWh - localBoughtWh,
    toGridWh: result.exportWh - localSoldWh,
    net: result.credit - result.debit,
    transactionHash,
  };
}

/** The rows of the newest `limit` intervals, newest first, meters in number order within one. */
export function newestIntervalRows(
  rows: readonly HouseholdIntervalRow[],
  limit: number = HOUSEHOLD_INTERVAL_LIMIT,
): HouseholdIntervalRow[] {
  const shown = new Set([...new Set(rows.map((row) => row.interval))].sort(descending).slice(0, limit));
  return rows
    .filter((row) => shown.has(row.interval))
    .sort((a, b) => descending(a.interval, b.interval) || a.number - b.number);
}

function meterKey(neighbourhood: Hex, number: number): string {
  return `${neighbourhood.toLowerCase()}:${number}`;
}

function descending(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}
