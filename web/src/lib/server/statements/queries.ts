import type { DatabaseSync } from "node:sqlite";
import type { Tariff } from "@nachbarstrom/core/tariff";
import type { Address, Hex } from "viem";
import { intColumn, textColumn } from "../read-model/store.ts";
import type { SettledMeterInterval } from "./breakdown.ts";
import type { IntervalRange } from "./calendar.ts";

/** A tariff and the first interval it prices, per neighbourhood, oldest first. */
export type TariffPeriod = { neighbourhood: Hex; effectiveFrom: bigint; tariff: Tariff };

/** A settled meter-interval with the neighbourhood whose tariff priced it. */
export type OwnedMeterInterval = SettledMeterInterval & { neighbourhood: Hex; number: number };

/**
 * The owner's meter-intervals in `range`, oldest first, meters in number order within one. Reads
 * meters by owner (meters_by_owner), then each meter's range on meter_intervals' primary key.
 */
export function meterIntervalsOf(db: DatabaseSync, owner: Address, { from, to }: IntervalRange): OwnedMeterInterval[] {
  return db
    .prepare(
      `SELECT m.meter, mi.* FROM meters m JOIN meter_intervals mi USING (neighbourhood, number)
       WHERE m.owner = :owner AND mi.interval >= :from AND mi.interval < :to
       ORDER BY mi.interval, mi.number`,
    )
    .all({ owner, from, to })
    .map((row) => ({
      neighbourhood: textColumn(row, "neighbourhood") as Hex,
      number: Number(intColumn(row, "number")),
      meter: textColumn(row, "meter") as Hex,
      interval: intColumn(row, "interval"),
      importWh: intColumn(row, "import_wh"),
      exportWh: intColumn(row, "export_wh"),
      contractBoughtWh: intColumn(row, "contract_bought_wh"),
      contractSoldWh: intColumn(row, "contract_sold_wh"),
      poolBoughtWh: intColumn(row, "pool_bought_wh"),
      poolSoldWh: intColumn(row, "pool_sold_wh"),
      debit: intColumn(row, "debit"),
      credit: intColumn(row, "credit"),
    }));
}

/** Every tariff of the owner's neighbourhoods (TariffAnnounced), oldest first. */
export function tariffsOfOwner(db: DatabaseSync, owner: Address): TariffPeriod[] {
  return db
    .prepare(
      `SELECT t.* FROM tariffs t WHERE t.neighbourhood IN (SELECT neighbourhood FROM meters WHERE owner = :owner)
       ORDER BY t.neighbourhood, t.effective_from`,
    )
    .all({ owner })
    .map((row) => ({
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
export function correctionsOf(db: DatabaseSync, owner: Address, { from, to }: IntervalRange): bigint {
  const row = db
    .prepare(
      `SELECT coalesce(sum(c.change), 0) AS total FROM meters m JOIN corrections c USING (neighbourhood, number)
       WHERE m.owner = :owner AND c.interval >= :from AND c.interval < :to`,
    )
    .get({ owner, from, to });
  return row ? intColumn(row, "total") : 0n;
}

/** What the cost cap credited the owner's meters for billing month yyyymm (each meter's newest total). */
export function costCapCreditOf(db: DatabaseSync, owner: Address, month: number): bigint {
  const row = db
    .prepare(
      `SELECT coalesce(sum(total), 0) AS total FROM (SELECT max(cc.credited) AS total
         FROM meters m JOIN cost_cap_credits cc USING (neighbourhood, number)
         WHERE m.owner = :owner AND cc.month = :month GROUP BY cc.neighbourhood, cc.number)`,
    )
    .get({ owner, month });
  return row ? intColumn(row, "total") : 0n;
}
