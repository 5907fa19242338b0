import type { Tariff } from "@nachbarstrom/core/tariff";

/**
 * Where every euro of a settled meter-interval went, in the tariff's German components, exactly.
 *
 * Settlement (SettlementMath.sol, core settlement.ts) charges a buyer
 * `debit = floor(bought × (10,000 + VAT) / 10^7)` base units, where `bought` is Σ Wh × net price in
 * µ€/kWh (units of 10^-3 µ€), and pays a seller `credit = floor(sold / 1000)`. Here every part is kept
 * in FINE units (10^-7 base units), in which both are integers: a net part is `Wh × price × 10,000`,
 * VAT `bought × VAT basis points`, and what settlement rounded down is a (negative) line of its own,
 * so the parts of a meter-interval add up to `debit × 10^7` and `credit × 10^7` exactly.
 *
 * Power contracts' prices are not in the read model: the contract energy is what is left of the
 * amount settled once every other part is known (rounded down), which is exact to below a base unit.
 */
export const FINE_PER_UNIT = 10_000_000n;

/** One meter in one settled interval (the read model's meter_intervals row). Wh and base units. */
export type SettledMeterInterval = {
  interval: bigint;
  meter: `0x${string}`;
  importWh: bigint;
  exportWh: bigint;
  contractBoughtWh: bigint;
  contractSoldWh: bigint;
  poolBoughtWh: bigint;
  poolSoldWh: bigint;
  debit: bigint;
  credit: bigint;
};

export const PURCHASE_PARTS = [
  "gridEnergy",
  "poolEnergy",
  "contractEnergy",
  "gridFee",
  "localGridFee",
  "electricityTax",
  "concessionFee",
  "levies",
  "vat",
  "rounding",
] as const;
export type PurchasePart = (typeof PURCHASE_PARTS)[number];

export const SALE_PARTS = ["contractSales", "poolSales", "feedIn", "rounding"] as const;
export type SalePart = (typeof SALE_PARTS)[number];

/** A meter-interval's money in parts (FINE units) with the comparisons against grid-only supply (base units). */
export type IntervalMoney = {
  purchases: Record<PurchasePart, bigint>;
  sales: Record<SalePart, bigint>;
  /** What its import would have cost from the grid alone, as the cost cap computes it. */
  gridOnlyCost: bigint;
  /** What its export would have earned at the feed-in price alone. */
  feedInOnlyIncome: bigint;
};

const ceilDiv = (a: bigint, b: bigint) => (a <= 0n ? -(-a / b) : (a + b - 1n) / b);
const atLeastZero = (value: bigint) => (value < 0n ? 0n : value);

/** The parts of a meter-interval's debit and credit at `tariff`, the tariff in force for the interval. */
export function intervalMoney(row: SettledMeterInterval, tariff: Tariff): IntervalMoney {
  const vatFactor = 10_000n + BigInt(tariff.vatBasisPoints);
  const localWh = row.contractBoughtWh + row.poolBoughtWh;
  const gridWh = row.importWh - localWh;
  const known = {
    gridEnergy: gridWh * tariff.gridEnergy,
    poolEnergy: row.poolBoughtWh * tariff.communityPrice,
    gridFee: gridWh * tariff.gridFee,
    localGridFee: localWh * tariff.localGridFee,
    electricityTax: row.importWh * tariff.electricityTax,
    concessionFee: row.importWh * tariff.concessionFee,
    levies: row.importWh * tariff.levies,
  };
  const knownNet = Object.values(known).reduce((a, b) => a + b, 0n);
  // The smallest net amount that settles to `debit`, less what is known: the contracts' part.
  const contractEnergy =
    row.contractBoughtWh > 0n ? atLeastZero(ceilDiv(row.debit * FINE_PER_UNIT, vatFactor) - knownNet) : 0n;
  const bought = knownNet + contractEnergy;
  const purchases = { contractEnergy: 0n, vat: 0n, rounding: 0n, ...known };
  for (const part of Object.keys(known) as (keyof typeof known)[]) purchases[part] = known[part] * 10_000n;
  purchases.contractEnergy = contractEnergy * 10_000n;
  purchases.vat = bought * BigInt(tariff.vatBasisPoints);
  purchases.rounding = row.debit * FINE_PER_UNIT - bought * vatFactor;

  const gridExportWh = row.exportWh - row.contractSoldWh - row.poolSoldWh;
  const knownSales = row.poolSoldWh * tariff.communityPrice + gridExportWh * tariff.feedInPrice;
  const contractSales = row.contractSoldWh > 0n ? atLeastZero(row.credit * 1000n - knownSales) : 0n;
  const sales = {
    contractSales: contractSales * 10_000n,
    poolSales: row.poolSoldWh * tariff.communityPrice * 10_000n,
    feedIn: gridExportWh * tariff.feedInPrice * 10_000n,
    rounding: row.credit * FINE_PER_UNIT - (knownSales + contractSales) * 10_000n,
  };
  return {
    purchases,
    sales,
    gridOnlyCost: gridOnlyCost(row.importWh, tariff),
    feedInOnlyIncome: feedInOnlyIncome(row.exportWh, tariff),
  };
}

/** SettlementMath.gridCost: floor(Wh × gridNet × (10,000 + VAT) / 10^7), in base units. */
export function gridOnlyCost(importWh: bigint, tariff: Tariff): bigint {
  const gridNet = tariff.gridEnergy + tariff.gridFee + tariff.electricityTax + tariff.concessionFee + tariff.levies;
  return (importWh * gridNet * (10_000n + BigInt(tariff.vatBasisPoints))) / FINE_PER_UNIT;
}

/** What `exportWh` earns at the feed-in price alone, rounded down as settlement rounds a credit. */
export function feedInOnlyIncome(exportWh: bigint, tariff: Tariff): bigint {
  return (exportWh * tariff.feedInPrice) / 1000n;
}

/** Money of several meter-intervals added up; parts stay in FINE units, comparisons in base units. */
export type MoneyTotals = IntervalMoney & { debit: bigint; credit: bigint };

export function emptyMoneyTotals(): MoneyTotals {
  return {
    purchases: Object.fromEntries(PURCHASE_PARTS.map((p) => [p, 0n])) as Record<PurchasePart, bigint>,
    sales: Object.fromEntries(SALE_PARTS.map((p) => [p, 0n])) as Record<SalePart, bigint>,
    gridOnlyCost: 0n,
    feedInOnlyIncome: 0n,
    debit: 0n,
    credit: 0n,
  };
}

/** Adds a meter-interval's money into `totals` (mutates and returns it). */
export function addMoney(totals: MoneyTotals, row: SettledMeterInterval, money: IntervalMoney): MoneyTotals {
  for (const part of PURCHASE_PARTS) totals.purchases[part] += money.purchases[part];
  for (const part of SALE_PARTS) totals.sales[part] += money.sales[part];
  totals.gridOnlyCost += money.gridOnlyCost;
  totals.feedInOnlyIncome += money.feedInOnlyIncome;
  totals.debit += row.debit;
  totals.credit += row.credit;
  return totals;
}

/** Saving against grid-only supply (positive: paid less) and extra income against feed-in only. */
export function comparisons(totals: MoneyTotals): { saving: bigint; extraIncome: bigint } {
  return { saving: totals.gridOnlyCost - totals.debit, extraIncome: totals.credit - totals.feedInOnlyIncome };
}
