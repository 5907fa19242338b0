/**
 * The bulk path of `npm run bench:web`: writes the meter_intervals rows that indexing the stream's
 * ChunkSettled logs (bench-web-stream.ts) would write — the same values, block, log index, transaction,
 * chunk and position — straight from the stream's generator, without encoding and decoding, in key
 * order and in large transactions. It fills the months before the slice that goes through the real
 * indexer; bench-web.ts checks on a small layout that both paths leave identical rows.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { ChunkResult } from "@nachbarstrom/core";
import { benchMeters, hoodId, settlementOf, type StreamLayout } from "./bench-web-stream.ts";

const COLUMNS = `(neighbourhood, interval, number, chunk, position, import_wh, export_wh, contract_bought_wh,
  contract_sold_wh, pool_bought_wh, pool_sold_wh, debit, credit, block_number, log_index, transaction_hash)`;
const ROWS_PER_STATEMENT = 64;
const ROWS_PER_TRANSACTION = 200_000;

/** Writes the meter_intervals rows of intervals [from, to) (0-based) of every neighbourhood; returns how many. */
export function bulkMeterIntervals(db: DatabaseSync, layout: StreamLayout, from: number, to: number): number {
  const { meters } = benchMeters(layout);
  const placeholders = (n: number) => Array.from({ length: n }, () => `(${Array(16).fill("?").join(",")})`).join(",");
  const full = db.prepare(`INSERT INTO meter_intervals ${COLUMNS} VALUES ${placeholders(ROWS_PER_STATEMENT)}`);
  let written = 0;
  let pending: SQLInputValue[] = [];
  let inTransaction = 0;
  const flush = (all: boolean) => {
    while (pending.length >= 16 * ROWS_PER_STATEMENT) full.run(...pending.splice(0, 16 * ROWS_PER_STATEMENT));
    if (all && pending.length > 0)
      db.prepare(`INSERT INTO meter_intervals ${COLUMNS} VALUES ${placeholders(pending.length / 16)}`).run(
        ...pending.splice(0),
      );
  };
  // Key order (neighbourhood, number, interval): each neighbourhood's intervals first, then meter by meter.
  const hoods = Array.from({ length: layout.neighbourhoods }, (_, hood) => hood).sort((a, b) =>
    hoodId(a) < hoodId(b) ? -1 : 1,
  );
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const hood of hoods) {
      const id = hoodId(hood);
      const settled: { results: ChunkResult[]; blockNumber: number; transactionHash: string; interval: number }[] = [];
      for (let k = from; k < to; k++) {
        const { results, blockNumber, transactionHash } = settlementOf(layout, meters, k, hood);
        settled.push({
          results,
          blockNumber: Number(blockNumber),
          transactionHash,
          interval: Number(layout.firstInterval) + k,
        });
      }
      for (let position = 0; position < layout.metersPerNeighbourhood; position++) {
        for (const s of settled) {
          const r = s.results[position];
          // Numbers, not bigints, bind faster; SQLite stores the same INTEGER.
          pending.push(
            id,
            s.interval,
            r.number,
            0,
            position,
            Number(r.importWh),
            Number(r.exportWh),
            Number(r.contractBoughtWh),
            Number(r.contractSoldWh),
            Number(r.poolBoughtWh),
            Number(r.poolSoldWh),
            Number(r.debit),
            Number(r.credit),
            s.blockNumber,
            0,
            s.transactionHash,
          );
          written += 1;
          inTransaction += 1;
          if (pending.length >= 16 * ROWS_PER_STATEMENT) flush(false);
          if (inTransaction >= ROWS_PER_TRANSACTION) {
            flush(true);
            db.exec("COMMIT");
            db.exec("BEGIN IMMEDIATE");
            inTransaction = 0;
          }
        }
      }
    }
    flush(true);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
  return written;
}
