import { sql } from "@nachbarstrom/core/database";
import type { Address, Hex } from "viem";
import { allRows, intColumn, textColumn, type ReadModelDb } from "../read-model/store.ts";
import { monitorPage, type MonitorRow } from "./intervals.ts";
import { meterIntervalOf } from "../read-model/meter-interval-row.ts";

/** One meter's result in a settled interval, as ChunkSettled carried it. */
export type MeterResult = {
  number: number;
  meter: Hex;
  owner: Address;
  importWh: bigint;
  exportWh: bigint;
  contractBoughtWh: bigint;
  contractSoldWh: bigint;
  poolBoughtWh: bigint;
  poolSoldWh: bigint;
  debit: bigint;
  credit: bigint;
  chunk: number;
  transactionHash: Hex;
};

/** A MeterCorrected of the interval; `corrector` is filled in from the transaction (the chain, not the read model). */
export type CorrectionRow = {
  number: number;
  importWh: bigint;
  exportWh: bigint;
  debit: bigint;
  credit: bigint;
  /** Moved from the treasury to the owner (negative: the other way). */
  change: bigint;
  reason: string;
  blockNumber: bigint;
  transactionHash: Hex;
};

export type IntervalDetail = { summary: MonitorRow; meters: MeterResult[]; corrections: CorrectionRow[] };

/** Everything the detail page shows of one settled neighbourhood-interval, or undefined when it is not settled. */
export async function intervalDetail(
  db: ReadModelDb,
  neighbourhood: Hex,
  interval: bigint,
): Promise<IntervalDetail | undefined> {
  const [summary] = (await monitorPage(db, { neighbourhood, from: interval, to: interval + 1n, page: 1 })).rows;
  if (!summary) return undefined;
  const meterRows = await allRows(
    db,
    sql`SELECT m.meter, m.owner, mi.* FROM meters m JOIN meter_intervals mi
         ON mi.neighbourhood = m.neighbourhood AND mi.number = m.number AND mi.interval = ${interval}
       WHERE m.neighbourhood = ${neighbourhood} ORDER BY mi.number`,
  );
  const meters = meterRows.map((row): MeterResult => ({
    ...meterIntervalOf(row),
    meter: textColumn(row, "meter") as Hex,
    owner: textColumn(row, "owner") as Address,
    chunk: Number(intColumn(row, "chunk")),
    transactionHash: textColumn(row, "transaction_hash") as Hex,
  }));
  const correctionRows = await allRows(
    db,
    sql`SELECT * FROM corrections WHERE neighbourhood = ${neighbourhood} AND interval = ${interval}
       ORDER BY block_number, log_index`,
  );
  const corrections = correctionRows.map((row): CorrectionRow => ({
    number: Number(intColumn(row, "number")),
    importWh: intColumn(row, "import_wh"),
    exportWh: intColumn(row, "export_wh"),
    debit: intColumn(row, "debit"),
    credit: intColumn(row, "credit"),
    change: intColumn(row, "change"),
    reason: textColumn(row, "reason"),
    blockNumber: intColumn(row, "block_number"),
    transactionHash: textColumn(row, "transaction_hash") as Hex,
  }));
  return { summary, meters, corrections };
}
