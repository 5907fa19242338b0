import { sql } from "@nachbarstrom/core/database";
import { getAddress, type Address, type Hex } from "viem";
import { householdRow, type HouseholdIntervalRow } from "../household-rows.ts";
import { groupByOwner, type MeterOwner, type MeterRegistration } from "../meter-registrations.ts";
import type { SettledIntervalRow } from "../operator-rows.ts";
import { allRows, firstRow, intColumn, textColumn, type ReadModelDb, type Row } from "./store.ts";
import { meterIntervalOf } from "./meter-interval-row.ts";

/** Every meter in registration order. */
export async function allMeters(db: ReadModelDb): Promise<MeterRegistration[]> {
  return (await allRows(db, sql`SELECT * FROM meters ORDER BY block_number, log_index`)).map(meterRegistration);
}

/** Every account that owns a meter, with its meters, in order of its first registration. */
export async function meterOwners(db: ReadModelDb): Promise<MeterOwner[]> {
  return groupByOwner(await allMeters(db));
}

/**
 * The meters of `owner` (any letter case) in registration order. The indexer stores addresses
 * checksummed, so every lookup by account asks for the checksummed address (no NOCASE on PostgreSQL).
 */
export async function metersOf(db: ReadModelDb, owner: Address): Promise<MeterRegistration[]> {
  const rows = await allRows(
    db,
    sql`SELECT * FROM meters WHERE owner = ${getAddress(owner)} ORDER BY block_number, log_index`,
  );
  return rows.map(meterRegistration);
}

/** householdRows' query; exported for the test of its plan. */
export function householdRowsQuery(owner: Address, limit: number) {
  return sql`WITH mine AS (SELECT m.meter, m.neighbourhood, m.owner, m.number,
             coalesce((SELECT mi.interval FROM meter_intervals mi
                       WHERE mi.neighbourhood = m.neighbourhood AND mi.number = m.number
                       ORDER BY mi.interval DESC LIMIT 1 OFFSET ${limit - 1}), -1) AS since
           FROM meters m WHERE m.owner = ${getAddress(owner)}),
       shown AS (SELECT DISTINCT mi.interval FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
            WHERE mi.interval >= mine.since ORDER BY mi.interval DESC LIMIT ${limit})
  SELECT mine.meter, mine.owner, mi.* FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
  WHERE mi.interval IN (SELECT interval FROM shown)
  ORDER BY mi.interval DESC, mi.number, mi.block_number, mi.log_index`;
}

/**
 * The rows of the newest `limit` intervals in which a meter of `owner` was settled: newest interval
 * first, meters in number order within one. As ChunkSettled carried them (corrections are separate).
 *
 * Reads at most `limit` rows per meter to find the intervals, not the meter's whole history: the
 * newest `limit` intervals of all the owner's meters are among each meter's own newest `limit`, so
 * each meter is read back from its newest row only down to its `limit`-th newest (`since`, through the
 * primary key (neighbourhood, number, interval)). `npm run bench:web` measures it on a year of 1,000
 * meters.
 */
export async function householdRows(db: ReadModelDb, owner: Address, limit: number): Promise<HouseholdIntervalRow[]> {
  return (await allRows(db, householdRowsQuery(owner, limit))).map(householdIntervalRow);
}

/** A row of meter_intervals joined with its meter's id and owner, as the household's table shows it. */
export function householdIntervalRow(row: Row): HouseholdIntervalRow {
  return householdRow(
    {
      meter: textColumn(row, "meter") as Hex,
      neighbourhood: textColumn(row, "neighbourhood") as Hex,
      owner: textColumn(row, "owner") as Address,
      number: Number(intColumn(row, "number")),
    },
    intColumn(row, "interval"),
    meterIntervalOf(row),
    textColumn(row, "transaction_hash") as Hex,
  );
}

/** The newest `limit` settled intervals of all neighbourhoods: newest interval first, later settlements first within one. */
export async function settledIntervals(db: ReadModelDb, limit: number): Promise<SettledIntervalRow[]> {
  const rows = await allRows(
    db,
    sql`SELECT * FROM intervals ORDER BY interval DESC, block_number DESC, log_index DESC LIMIT ${limit}`,
  );
  return rows.map((row) => ({
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    interval: intColumn(row, "interval"),
    commitment: textColumn(row, "commitment") as Hex,
    batchKey: textColumn(row, "batch_key") as Hex,
    meterCount: Number(intColumn(row, "meter_count")),
    importWh: intColumn(row, "import_wh"),
    exportWh: intColumn(row, "export_wh"),
    localWh: intColumn(row, "local_wh"),
    transactionHash: textColumn(row, "transaction_hash") as Hex,
    blockNumber: intColumn(row, "block_number"),
  }));
}

/**
 * An account's credit position derived from the indexed events alone: top-ups − pay-outs, plus for
 * each of its meters credit − debit of every settled interval, the corrections' changes and what the
 * cost cap credited (each month's newest total). The pages read CreditToken.positionOf instead; this
 * is the cross-check (test/e2e/read-model.test.ts) that the read model misses no money movement.
 */
export async function derivedPosition(db: ReadModelDb, account: Address): Promise<bigint> {
  const owner = getAddress(account);
  const row = await firstRow(
    db,
    sql`SELECT
         (SELECT coalesce(sum(CASE kind WHEN 'top-up' THEN amount ELSE -amount END), 0)
            FROM credit_movements WHERE account = ${owner})
       + (SELECT coalesce(sum(mi.credit - mi.debit), 0) FROM meter_intervals mi
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = ${owner})
       + (SELECT coalesce(sum(c.change), 0) FROM corrections c
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = ${owner})
       + (SELECT coalesce(sum(total), 0) FROM (SELECT max(cc.credited) AS total FROM cost_cap_credits cc
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = ${owner}
            GROUP BY cc.neighbourhood, cc.month, cc.number) AS newest) AS position`,
  );
  return row ? intColumn(row, "position") : 0n;
}

function meterRegistration(row: Row): MeterRegistration {
  return {
    meter: textColumn(row, "meter") as Hex,
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    owner: textColumn(row, "owner") as Address,
    number: Number(intColumn(row, "number")),
  };
}

/** Per owner (lower case): meters registered and meters not retired, for the console's households. */
export async function meterCountsByOwner(db: ReadModelDb): Promise<Map<string, { meters: number; active: number }>> {
  const rows = await allRows(
    db,
    sql`SELECT lower(owner) AS owner, count(*) AS meters,
          sum(CASE WHEN retired_block IS NULL THEN 1 ELSE 0 END) AS active
        FROM meters GROUP BY lower(owner)`,
  );
  return new Map(
    rows.map((row) => [
      textColumn(row, "owner"),
      { meters: Number(intColumn(row, "meters")), active: Number(intColumn(row, "active")) },
    ]),
  );
}
