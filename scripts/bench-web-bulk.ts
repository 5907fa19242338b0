/**
 * The bulk path of `npm run bench:web`: writes the meter_intervals rows that indexing the stream's
 * ChunkSettled logs (bench-web-stream.ts) would write — the same values, block, log index, transaction,
 * chunk and position — straight from the stream's generator, without encoding and decoding, in key
 * order and in large transactions (one data-access layer: a SQLite file or PostgreSQL). It fills the months before the slice that goes through the real
 * indexer; bench-web.ts checks on a small layout that both paths leave identical rows.
 */
import type { ChunkResult } from "@nachbarstrom/core";
import type { ReadModelStore, ReadModelTransaction } from "../web/src/lib/server/read-model/store.ts";
import type { ReadModelTables } from "../web/src/lib/server/read-model/tables.ts";
import { benchMeters, hoodId, settlementOf, type StreamLayout } from "./bench-web-stream.ts";

type Row = ReadModelTables["meter_intervals"];
const ROWS_PER_STATEMENT = 64;
const ROWS_PER_TRANSACTION = 200_000;

/** Writes the meter_intervals rows of intervals [from, to) (0-based) of every neighbourhood; returns how many. */
export async function bulkMeterIntervals(
  store: ReadModelStore,
  layout: StreamLayout,
  from: number,
  to: number,
): Promise<number> {
  const { meters } = benchMeters(layout);
  let written = 0;
  let batch: Row[] = [];
  const insert = async (trx: ReadModelTransaction, rows: Row[]) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      await trx
        .insertInto("meter_intervals")
        .values(rows.slice(i, i + ROWS_PER_STATEMENT))
        .execute();
    }
  };
  const commit = async () => {
    const rows = batch;
    batch = [];
    if (rows.length > 0) await store.transaction((trx) => insert(trx, rows));
  };
  // Key order (neighbourhood, number, interval): each neighbourhood's intervals first, then meter by meter.
  const hoods = Array.from({ length: layout.neighbourhoods }, (_, hood) => hood).sort((a, b) =>
    hoodId(a) < hoodId(b) ? -1 : 1,
  );
  for (const hood of hoods) {
    const id = hoodId(hood);
    const settled: { results: ChunkResult[]; blockNumber: bigint; transactionHash: string; interval: bigint }[] = [];
    for (let k = from; k < to; k++) {
      const { results, blockNumber, transactionHash } = settlementOf(layout, meters, k, hood);
      settled.push({ results, blockNumber, transactionHash, interval: layout.firstInterval + BigInt(k) });
    }
    for (let position = 0; position < layout.metersPerNeighbourhood; position++) {
      for (const s of settled) {
        const r = s.results[position];
        batch.push({
          neighbourhood: id,
          interval: s.interval,
          number: BigInt(r.number),
          chunk: 0n,
          position: BigInt(position),
          import_wh: BigInt(r.importWh),
          export_wh: BigInt(r.exportWh),
          contract_bought_wh: BigInt(r.contractBoughtWh),
          contract_sold_wh: BigInt(r.contractSoldWh),
          pool_bought_wh: BigInt(r.poolBoughtWh),
          pool_sold_wh: BigInt(r.poolSoldWh),
          debit: BigInt(r.debit),
          credit: BigInt(r.credit),
          block_number: s.blockNumber,
          log_index: 0n,
          transaction_hash: s.transactionHash,
        });
        written += 1;
        if (batch.length >= ROWS_PER_TRANSACTION) await commit();
      }
    }
  }
  await commit();
  return written;
}
