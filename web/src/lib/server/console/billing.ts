import { sql } from "@nachbarstrom/core/database";
import type { Address, Hex } from "viem";
import { allRows, intColumn, textColumn, type ReadModelDb } from "../read-model/store.ts";
import { monthIntervals } from "./params.ts";

/**
 * One household's billing month. Energy in Wh, money in credit base units; meter-intervals count as
 * corrected (the newest MeterCorrected replaces import, export, debit and credit; local energy never
 * changes), so the grid energy is what is left after contracts and pool.
 */
export type BillingRow = {
  month: number;
  account: Address;
  meters: Hex[];
  fromGridWh: bigint;
  contractBoughtWh: bigint;
  poolBoughtWh: bigint;
  contractSoldWh: bigint;
  poolSoldWh: bigint;
  toGridWh: bigint;
  debit: bigint;
  credit: bigint;
  /** What the cost cap credited for the month so far (CostCapCredited, newest total per meter). */
  costCapCredit: bigint;
  /** credit − debit + cost-cap credit: what the month moved between the household and the treasury. */
  net: bigint;
};

/**
 * Every household with a settled meter-interval or a cost-cap credit in billing month `yyyymm`
 * (German local time), by account. Reads each meter's range of the month on meter_intervals' primary key.
 */
export async function billingRows(db: ReadModelDb, yyyymm: number): Promise<BillingRow[]> {
  const { from, to } = monthIntervals(yyyymm);
  const rows = await allRows(
    db,
    sql`WITH settled AS (
         SELECT m.owner, m.meter,
                coalesce(c.import_wh, mi.import_wh) AS import_wh, coalesce(c.export_wh, mi.export_wh) AS export_wh,
                mi.contract_bought_wh, mi.pool_bought_wh, mi.contract_sold_wh, mi.pool_sold_wh,
                coalesce(c.debit, mi.debit) AS debit, coalesce(c.credit, mi.credit) AS credit
           FROM meters m
           JOIN meter_intervals mi ON mi.neighbourhood = m.neighbourhood AND mi.number = m.number
                                  AND mi.interval >= ${from} AND mi.interval < ${to}
           LEFT JOIN corrections c ON (c.block_number, c.log_index) = (
             SELECT block_number, log_index FROM corrections x
              WHERE x.neighbourhood = mi.neighbourhood AND x.number = mi.number AND x.interval = mi.interval
              ORDER BY block_number DESC, log_index DESC LIMIT 1)),
       capped AS (
         SELECT m.owner, m.meter, max(cc.credited) AS credited
           FROM meters m JOIN cost_cap_credits cc ON cc.neighbourhood = m.neighbourhood AND cc.number = m.number
          WHERE cc.month = ${yyyymm} GROUP BY m.owner, m.meter),
       owners AS (SELECT owner, meter FROM settled UNION SELECT owner, meter FROM capped)
       SELECT o.owner,
              (SELECT string_agg(meter, ' ' ORDER BY meter) FROM (SELECT DISTINCT meter FROM owners WHERE owner = o.owner) AS d) AS meters,
              (SELECT coalesce(sum(import_wh - contract_bought_wh - pool_bought_wh), 0) FROM settled s WHERE s.owner = o.owner) AS from_grid,
              (SELECT coalesce(sum(contract_bought_wh), 0) FROM settled s WHERE s.owner = o.owner) AS contract_bought,
              (SELECT coalesce(sum(pool_bought_wh), 0) FROM settled s WHERE s.owner = o.owner) AS pool_bought,
              (SELECT coalesce(sum(contract_sold_wh), 0) FROM settled s WHERE s.owner = o.owner) AS contract_sold,
              (SELECT coalesce(sum(pool_sold_wh), 0) FROM settled s WHERE s.owner = o.owner) AS pool_sold,
              (SELECT coalesce(sum(export_wh - contract_sold_wh - pool_sold_wh), 0) FROM settled s WHERE s.owner = o.owner) AS to_grid,
              (SELECT coalesce(sum(debit), 0) FROM settled s WHERE s.owner = o.owner) AS debit,
              (SELECT coalesce(sum(credit), 0) FROM settled s WHERE s.owner = o.owner) AS credit,
              (SELECT coalesce(sum(credited), 0) FROM capped k WHERE k.owner = o.owner) AS cost_cap
         FROM (SELECT DISTINCT owner FROM owners) o ORDER BY lower(o.owner)`,
  );
  return rows.map((row) => {
    const debit = intColumn(row, "debit");
    const credit = intColumn(row, "credit");
    const costCapCredit = intColumn(row, "cost_cap");
    return {
      month: yyyymm,
      account: textColumn(row, "owner") as Address,
      meters: textColumn(row, "meters").split(" ") as Hex[],
      fromGridWh: intColumn(row, "from_grid"),
      contractBoughtWh: intColumn(row, "contract_bought"),
      poolBoughtWh: intColumn(row, "pool_bought"),
      contractSoldWh: intColumn(row, "contract_sold"),
      poolSoldWh: intColumn(row, "pool_sold"),
      toGridWh: intColumn(row, "to_grid"),
      debit,
      credit,
      costCapCredit,
      net: credit - debit + costCapCredit,
    };
  });
}
