/**
 * What a year adds up to, per household and for the neighbourhood, and the key figures derived from
 * it. Energy in whole Wh and money in micro-euro, as bigint; ratios as numbers.
 *
 * Energy of one household (each identity holds exactly):
 *   consumption = selfConsumed + localBought + gridImport,   importWh = localBought + gridImport
 *   production  = selfConsumed + localSold + gridExport,     exportWh = localSold + gridExport
 * where selfConsumed is PV used behind the meter (production − exported), which no meter sees.
 * Consumption is everything behind the meter: the household, its heat pump and car, and its
 * battery's losses and the energy it still holds (heatPumpWh, evWh and the battery's AC energy in
 * and out are modelled, not metered, and shown apart).
 *
 * Money of one household: paid (Σ debits) and received (Σ credits) in the neighbourhood; gridOnlyPaid
 * and gridOnlyReceived, what the same meters would have cost and earned with the grid alone (import
 * at the grid price, export at the feed-in price, rounded down per interval as settlement rounds).
 */
export type EnergyTotals = {
  consumptionWh: bigint;
  productionWh: bigint;
  selfConsumedWh: bigint;
  importWh: bigint;
  exportWh: bigint;
  localBoughtWh: bigint;
  localSoldWh: bigint;
  gridImportWh: bigint;
  gridExportWh: bigint;
  /** Part of the consumption: the heat pump's and the car's. */
  heatPumpWh: bigint;
  evWh: bigint;
  /** AC energy into and out of the battery; the difference is its losses and what it holds at the end. */
  batteryChargedWh: bigint;
  batteryDischargedWh: bigint;
};

export type MoneyTotals = {
  paid: bigint;
  received: bigint;
  gridOnlyPaid: bigint;
  gridOnlyReceived: bigint;
  /** What the household is better off than with the grid alone: (gridOnlyPaid − gridOnlyReceived) − (paid − received). */
  savings: bigint;
  /** What a producer receives beyond feed-in alone: received − gridOnlyReceived. */
  extraIncome: bigint;
};

/** Shares in [0, 1]; null where the denominator is zero (no production, say). */
export type Kpis = {
  /** (selfConsumed + localBought) / consumption: demand met inside the neighbourhood (Autarkiegrad). */
  selfSufficiency: number | null;
  /** selfConsumed / consumption: the same without sharing, each household on its own. */
  selfSufficiencyAlone: number | null;
  /** (selfConsumed + localSold) / production: PV used inside the neighbourhood (Eigenverbrauchsquote). */
  selfConsumption: number | null;
  /** selfConsumed / production: the same without sharing. */
  selfConsumptionAlone: number | null;
  /** localBought / importWh: of the energy drawn through the meters, the share neighbours supplied. */
  localShareOfImport: number | null;
};

export type NeighbourhoodTotals = {
  energy: EnergyTotals;
  money: MoneyTotals;
  /** What the utility keeps from the neighbourhood: Σ paid − Σ received. */
  utilityRevenue: bigint;
  /** The same with the grid alone: Σ gridOnlyPaid − Σ gridOnlyReceived. Σ savings = this − utilityRevenue. */
  utilityRevenueGridOnly: bigint;
  kpis: Kpis;
};

/** A household's totals from its metered and modelled sums (all whole numbers). */
export function householdTotals(sums: {
  importWh: bigint;
  exportWh: bigint;
  productionWh: bigint;
  localBoughtWh: bigint;
  localSoldWh: bigint;
  paid: bigint;
  received: bigint;
  gridOnlyPaid: bigint;
  gridOnlyReceived: bigint;
  heatPumpWh: bigint;
  evWh: bigint;
  batteryChargedWh: bigint;
  batteryDischargedWh: bigint;
}): { energy: EnergyTotals; money: MoneyTotals } {
  const selfConsumedWh = sums.productionWh - sums.exportWh;
  const { paid, received, gridOnlyPaid, gridOnlyReceived } = sums;
  return {
    energy: {
      consumptionWh: sums.importWh + selfConsumedWh,
      productionWh: sums.productionWh,
      selfConsumedWh,
      importWh: sums.importWh,
      exportWh: sums.exportWh,
      localBoughtWh: sums.localBoughtWh,
      localSoldWh: sums.localSoldWh,
      gridImportWh: sums.importWh - sums.localBoughtWh,
      gridExportWh: sums.exportWh - sums.localSoldWh,
      heatPumpWh: sums.heatPumpWh,
      evWh: sums.evWh,
      batteryChargedWh: sums.batteryChargedWh,
      batteryDischargedWh: sums.batteryDischargedWh,
    },
    money: {
      paid,
      received,
      gridOnlyPaid,
      gridOnlyReceived,
      savings: gridOnlyPaid - gridOnlyReceived - (paid - received),
      extraIncome: received - gridOnlyReceived,
    },
  };
}

/** The neighbourhood's totals: the households' summed, field by field, and the key figures. */
export function neighbourhoodTotals(
  households: readonly { energy: EnergyTotals; money: MoneyTotals }[],
): NeighbourhoodTotals {
  const energy = sumFields(households.map((h) => h.energy));
  const money = sumFields(households.map((h) => h.money));
  return {
    energy,
    money,
    utilityRevenue: money.paid - money.received,
    utilityRevenueGridOnly: money.gridOnlyPaid - money.gridOnlyReceived,
    kpis: kpis(energy),
  };
}

export function kpis(energy: EnergyTotals): Kpis {
  const { consumptionWh, productionWh, selfConsumedWh, localBoughtWh, localSoldWh, importWh } = energy;
  return {
    selfSufficiency: share(selfConsumedWh + localBoughtWh, consumptionWh),
    selfSufficiencyAlone: share(selfConsumedWh, consumptionWh),
    selfConsumption: share(selfConsumedWh + localSoldWh, productionWh),
    selfConsumptionAlone: share(selfConsumedWh, productionWh),
    localShareOfImport: share(localBoughtWh, importWh),
  };
}

function share(part: bigint, whole: bigint): number | null {
  return whole === 0n ? null : Number(part) / Number(whole);
}

function sumFields<T extends Record<string, bigint>>(rows: readonly T[]): T {
  const total: Record<string, bigint> = {};
  for (const row of rows) for (const [key, value] of Object.entries(row)) total[key] = (total[key] ?? 0n) + value;
  return total as T;
}
