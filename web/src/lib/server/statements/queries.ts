import { sql } from "@nachbarstrom/core/database";
import type { Tariff } from "@nachbarstrom/core/tariff";
import { getAddress, type Address, type Hex } from "viem";
import { allRows, firstRow, intColumn, textColumn, type ReadModelDb } from "../read-model/store.ts";
import type { SettledMeterInterval } from "./breakdown.ts";
import type { IntervalRange } from "./calendar.ts";
import { meterIntervalOf } from "../read-model/meter-interval-row.ts";

/** A tariff and the first interval it prices, per neighbourhood, oldest first. */
export type TariffPeriod = { neighbourhood: Hex; effectiveFrom: bigint; tariff: Tariff };

/** A settled meter-interval with the neighbourhood whose tariff priced it. */
export type OwnedMeterInterval = SettledMeterInterval & { neighbourhood: Hex; number: number };

/**
 * The owner's meter-intervals in `range`, oldest first, meters in number order within one. Reads
 * meters by owner (meters_by_owner), then each meter's range on meter_intervals' primary key.
 */
export async function meterIntervalsOf(
  db: ReadModelDb,
  owner: Address,
  { from, to }: IntervalRange,
): Promise<OwnedMeterInterval[]> {
  const rows = await allRows(
    db,
    sql`SELECT m.meter, mi.* FROM meters m JOIN meter_intervals mi USING (neighbourhood, number)
       WHERE m.owner = ${getAddress(owner)} AND mi.interval >= ${from} AND mi.interval < ${to}
       ORDER BY mi.interval, mi.number`,
  );
  return rows.map((row) => ({
    ...meterIntervalOf(row),
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    meter: textColumn(row, "meter") as Hex,
    interval: intColumn(row, "interval"),
  }));
}

/** Every tariff of the owner's neighbourhoods (TariffAnnounced), oldest first. */
export async function tariffsOfOwner(db: ReadModelDb, owner: Address): Promise<TariffPeriod[]> {
  const rows = await allRows(
    db,
    sql`SELECT t.* FROM tariffs t WHERE t.neighbourhood IN (SELECT neighbourhood FROM meters WHERE owner = ${getAddress(owner)})
       ORDER BY t.neighbourhood, t.effective_from`,
  );
  return rows.map((row) => ({
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    effectiveFrom: intColumn(row, "effective_from"),
    tariff: {
      gridEnergy: intColumn(row, "grid_energy"),
      gridFee: intColumn(row, "grid_fee"),
      localGridFee: intColumn(row, "local_grid_fee"),
      electricityTax: intColumn(row, "electricity_tax"),
      concessionFee: intColumn(row, "concession_fee"),
      levies: intColumn(row, "levies"),
      feedInPrice: intColumn(row, "feed_in_price"),
      communityPrice: intColumn(row, "community_price"),
      vatBasisPoints: Number(intColumn(row, "vat_basis_points")),
    },
  }));
}

/** Operator corrections of the owner's meters for intervals in `range`: the money they moved (base units). */
export async function correctionsOf(db: ReadModelDb, owner: Address, { from, to }: IntervalRange): Promise<bigint> {
  const row = await firstRow(
    db,
    sql`SELECT coalesce(sum(c.change), 0) AS total FROM meters m JOIN corrections c USING (neighbourhood, number)
       WHERE m.owner = ${getAddress(owner)} AND c.interval >= ${from} AND c.interval < ${to}`,
  );
  return row ? intColumn(row, "total") : 0n;
}

/** What the cost cap credited the owner's meters for billing month yyyymm (each meter's newest total). */
export async function costCapCreditOf(db: ReadModelDb, owner: Address, month: number): Promise<bigint> {
  const row = await firstRow(
    db,
    sql`SELECT coalesce(sum(total), 0) AS total FROM (SELECT max(cc.credited) AS total
         FROM meters m JOIN cost_cap_credits cc USING (neighbourhood, number)
         WHERE m.owner = ${getAddress(owner)} AND cc.month = ${month} GROUP BY cc.neighbourhood, cc.number) AS newest`,
  );
  return row ? intColumn(row, "total") : 0n;
}
