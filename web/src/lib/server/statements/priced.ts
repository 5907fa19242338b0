import type { Tariff } from "@nachbarstrom/core/tariff";
import { addMoney, emptyMoneyTotals, intervalMoney, type IntervalMoney, type MoneyTotals } from "./breakdown.ts";
import type { OwnedMeterInterval, TariffPeriod } from "./queries.ts";

/** A meter-interval with the tariff that priced it and its money in parts. */
export type PricedMeterInterval = OwnedMeterInterval & { money: IntervalMoney };

/** The tariff in force for `interval` in `neighbourhood`: the newest that took effect at or before it. */
export function tariffAt(periods: readonly TariffPeriod[], neighbourhood: string, interval: bigint): Tariff {
  let found: TariffPeriod | undefined;
  for (const period of periods) {
    if (period.neighbourhood.toLowerCase() !== neighbourhood.toLowerCase() || period.effectiveFrom > interval) continue;
    if (!found || period.effectiveFrom > found.effectiveFrom) found = period;
  }
  if (!found) throw new RangeError(`no tariff of ${neighbourhood} prices interval ${interval}`);
  return found.tariff;
}

/** Prices every meter-interval at its tariff. */
export function priceAll(rows: readonly OwnedMeterInterval[], periods: readonly TariffPeriod[]): PricedMeterInterval[] {
  return rows.map((row) => ({ ...row, money: intervalMoney(row, tariffAt(periods, row.neighbourhood, row.interval)) }));
}

/** Energy flows added up (Wh). */
export type FlowTotals = {
  importWh: bigint;
  exportWh: bigint;
  contractBoughtWh: bigint;
  poolBoughtWh: bigint;
  gridImportWh: bigint;
  contractSoldWh: bigint;
  poolSoldWh: bigint;
  gridExportWh: bigint;
};

export type Totals = { flows: FlowTotals; money: MoneyTotals; intervals: number };

export function totalsOf(rows: readonly PricedMeterInterval[]): Totals {
  const flows: FlowTotals = {
    importWh: 0n,
    exportWh: 0n,
    contractBoughtWh: 0n,
    poolBoughtWh: 0n,
    gridImportWh: 0n,
    contractSoldWh: 0n,
    poolSoldWh: 0n,
    gridExportWh: 0n,
  };
  const money = emptyMoneyTotals();
  for (const row of rows) {
    flows.importWh += row.importWh;
    flows.exportWh += row.exportWh;
    flows.contractBoughtWh += row.contractBoughtWh;
    flows.poolBoughtWh += row.poolBoughtWh;
    flows.gridImportWh += row.importWh - row.contractBoughtWh - row.poolBoughtWh;
    flows.contractSoldWh += row.contractSoldWh;
    flows.poolSoldWh += row.poolSoldWh;
    flows.gridExportWh += row.exportWh - row.contractSoldWh - row.poolSoldWh;
    addMoney(money, row, row.money);
  }
  return { flows, money, intervals: new Set(rows.map((r) => r.interval)).size };
}

/** One interval of the household, its meters added up: what the flow chart draws. */
export type IntervalFlow = {
  interval: bigint;
  gridImportWh: bigint;
  localBoughtWh: bigint;
  localSoldWh: bigint;
  gridExportWh: bigint;
  debit: bigint;
  credit: bigint;
};

/** The household's flows per interval, oldest first. */
export function flowsPerInterval(rows: readonly OwnedMeterInterval[]): IntervalFlow[] {
  const byInterval = new Map<bigint, IntervalFlow>();
  for (const row of rows) {
    const flow = byInterval.get(row.interval) ?? {
      interval: row.interval,
      gridImportWh: 0n,
      localBoughtWh: 0n,
      localSoldWh: 0n,
      gridExportWh: 0n,
      debit: 0n,
      credit: 0n,
    };
    const localBought = row.contractBoughtWh + row.poolBoughtWh;
    const localSold = row.contractSoldWh + row.poolSoldWh;
    flow.gridImportWh += row.importWh - localBought;
    flow.localBoughtWh += localBought;
    flow.localSoldWh += localSold;
    flow.gridExportWh += row.exportWh - localSold;
    flow.debit += row.debit;
    flow.credit += row.credit;
    byInterval.set(row.interval, flow);
  }
  return [...byInterval.values()].sort((a, b) => (a.interval < b.interval ? -1 : 1));
}
