import { sql } from "@nachbarstrom/core/database";
import type { Hex } from "viem";
import { allRows, intColumn, textColumn, type ReadModelDb, type Row } from "../read-model/store.ts";

/** How many settled intervals one page of the interval monitor shows. */
export const INTERVAL_PAGE_SIZE = 50;

export type IntervalFilter = {
  neighbourhood?: Hex;
  /** Intervals in [from, to), e.g. one German day. */
  from?: bigint;
  to?: bigint;
  /** 1, 2, …; newest first. */
  page: number;
};

/** One settled neighbourhood-interval as the monitor lists it. */
export type MonitorRow = {
  neighbourhood: Hex;
  interval: bigint;
  /** Meters in the batch. */
  meterCount: number;
  /** Meters registered in the neighbourhood and not retired when the interval was finished. */
  registeredCount: number;
  importWh: bigint;
  exportWh: bigint;
  localWh: bigint;
  commitment: Hex;
  batchKey: Hex;
  /** The transactions of the interval's chunks, in chain order; the last one finished it (IntervalSettled). */
  transactions: Hex[];
  /** Corrections of meters of this interval (MeterCorrected). */
  corrections: number;
};

export type MonitorPage = { rows: MonitorRow[]; page: number; hasNext: boolean };

/**
 * One page of settled intervals, newest first (later settlements first within one interval), filtered
 * by neighbourhood and interval range. Offset paging on the intervals_newest index; the chunk
 * transactions are looked up per meter of the neighbourhood on meter_intervals' primary key.
 */
export async function monitorPage(db: ReadModelDb, filter: IntervalFilter): Promise<MonitorPage> {
  const where = [];
  if (filter.neighbourhood) where.push(sql`neighbourhood = ${filter.neighbourhood}`);
  if (filter.from !== undefined) where.push(sql`interval >= ${filter.from}`);
  if (filter.to !== undefined) where.push(sql`interval < ${filter.to}`);
  const rows = await allRows(
    db,
    sql`SELECT i.*,
         (SELECT count(*) FROM meters m WHERE m.neighbourhood = i.neighbourhood AND m.block_number <= i.block_number
            AND (m.retired_block IS NULL OR m.retired_block > i.block_number)) AS registered,
         (SELECT count(*) FROM corrections c WHERE c.neighbourhood = i.neighbourhood AND c.interval = i.interval) AS corrected
       FROM intervals i ${where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
       ORDER BY interval DESC, block_number DESC, log_index DESC
       LIMIT ${INTERVAL_PAGE_SIZE + 1} OFFSET ${(filter.page - 1) * INTERVAL_PAGE_SIZE}`,
  );
  const shown: MonitorRow[] = [];
  for (const row of rows.slice(0, INTERVAL_PAGE_SIZE)) shown.push(monitorRow(row, await chunkTransactions(db, row)));
  return { rows: shown, page: filter.page, hasNext: rows.length > INTERVAL_PAGE_SIZE };
}

/** The neighbourhoods the filter offers, in onboarding order. */
export async function neighbourhoodIds(db: ReadModelDb): Promise<Hex[]> {
  return (await allRows(db, sql`SELECT neighbourhood FROM neighbourhoods ORDER BY block_number, log_index`)).map(
    (row) => textColumn(row, "neighbourhood") as Hex,
  );
}

/** The distinct transactions of an interval's ChunkSettled rows, in chain order; the finishing one when none is indexed. */
async function chunkTransactions(db: ReadModelDb, interval: Row): Promise<Hex[]> {
  const rows = await allRows(
    db,
    sql`SELECT mi.transaction_hash, min(mi.block_number) AS block, min(mi.log_index) AS log
       FROM meters m JOIN meter_intervals mi
         ON mi.neighbourhood = m.neighbourhood AND mi.number = m.number AND mi.interval = ${intColumn(interval, "interval")}
       WHERE m.neighbourhood = ${textColumn(interval, "neighbourhood")}
       GROUP BY mi.transaction_hash ORDER BY block, log`,
  );
  const hashes = rows.map((row) => textColumn(row, "transaction_hash") as Hex);
  const finishing = textColumn(interval, "transaction_hash") as Hex;
  return hashes.includes(finishing) ? hashes : [...hashes, finishing];
}

function monitorRow(row: Row, transactions: Hex[]): MonitorRow {
  return {
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    interval: intColumn(row, "interval"),
    meterCount: Number(intColumn(row, "meter_count")),
    registeredCount: Number(intColumn(row, "registered")),
    importWh: intColumn(row, "import_wh"),
    exportWh: intColumn(row, "export_wh"),
    localWh: intColumn(row, "local_wh"),
    commitment: textColumn(row, "commitment") as Hex,
    batchKey: textColumn(row, "batch_key") as Hex,
    transactions,
    corrections: Number(intColumn(row, "corrected")),
  };
}
