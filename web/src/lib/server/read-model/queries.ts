import type { DatabaseSync } from "node:sqlite";
import type { Address, Hex } from "viem";
import { householdRow, type HouseholdIntervalRow } from "../household-rows.ts";
import { groupByOwner, type MeterOwner, type MeterRegistration } from "../meter-registrations.ts";
import type { SettledIntervalRow } from "../operator-rows.ts";
import { intColumn, textColumn, type Row } from "./store.ts";

/** Every meter in registration order. */
export function allMeters(db: DatabaseSync): MeterRegistration[] {
  return db.prepare("SELECT * FROM meters ORDER BY block_number, log_index").all().map(meterRegistration);
}

/** Every account that owns a meter, with its meters, in order of its first registration. */
export function meterOwners(db: DatabaseSync): MeterOwner[] {
  return groupByOwner(allMeters(db));
}

/** The meters of `owner` (any letter case) in registration order. */
export function metersOf(db: DatabaseSync, owner: Address): MeterRegistration[] {
  return db
    .prepare("SELECT * FROM meters WHERE owner = ? ORDER BY block_number, log_index")
    .all(owner)
    .map(meterRegistration);
}

/** householdRows' query; exported for the test of its plan. */
export const HOUSEHOLD_ROWS_SQL = `WITH mine AS (SELECT m.meter, m.neighbourhood, m.owner, m.number,
             coalesce((SELECT mi.interval FROM meter_intervals mi
                       WHERE mi.neighbourhood = m.neighbourhood AND mi.number = m.number
                       ORDER BY mi.interval DESC LIMIT 1 OFFSET :limit - 1), -1) AS since
           FROM meters m WHERE m.owner = :owner),
       shown AS (SELECT DISTINCT mi.interval FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
            WHERE mi.interval >= mine.since ORDER BY mi.interval DESC LIMIT :limit)
  SELECT mine.meter, mine.owner, mi.* FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
  WHERE mi.interval IN shown
  ORDER BY mi.interval DESC, mi.number, mi.block_number, mi.log_index`;

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
export function householdRows(db: DatabaseSync, owner: Address, limit: number): HouseholdIntervalRow[] {
  const rows = db.prepare(HOUSEHOLD_ROWS_SQL).all({ owner, limit });
  return rows.map(householdIntervalRow);
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
    {
      number: Number(intColumn(row, "number")),
      importWh: intColumn(row, "import_wh"),
      exportWh: intColumn(row, "export_wh"),
      contractBoughtWh: intColumn(row, "contract_bought_wh"),
      contractSoldWh: intColumn(row, "contract_sold_wh"),
      poolBoughtWh: intColumn(row, "pool_bought_wh"),
      poolSoldWh: intColumn(row, "pool_sold_wh"),
      debit: intColumn(row, "debit"),
      credit: intColumn(row, "credit"),
    },
    textColumn(row, "transaction_hash") as Hex,
  );
}

/** The newest `limit` settled intervals of all neighbourhoods: newest interval first, later settlements first within one. */
export function settledIntervals(db: DatabaseSync, limit: number): SettledIntervalRow[] {
  return db
    .prepare("SELECT * FROM intervals ORDER BY interval DESC, block_number DESC, log_index DESC LIMIT ?")
    .all(limit)
    .map((row) => ({
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
export function derivedPosition(db: DatabaseSync, account: Address): bigint {
  const row = db
    .prepare(
      `SELECT
         (SELECT coalesce(sum(CASE kind WHEN 'top-up' THEN amount ELSE -amount END), 0)
            FROM credit_movements WHERE account = :account)
       + (SELECT coalesce(sum(mi.credit - mi.debit), 0) FROM meter_intervals mi
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = :account)
       + (SELECT coalesce(sum(c.change), 0) FROM corrections c
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = :account)
       + (SELECT coalesce(sum(total), 0) FROM (SELECT max(cc.credited) AS total FROM cost_cap_credits cc
            JOIN meters m USING (neighbourhood, number) WHERE m.owner = :account
            GROUP BY cc.neighbourhood, cc.month, cc.number)) AS position`,
    )
    .get({ account });
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
