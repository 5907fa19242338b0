import type { Hex } from "viem";
import { priceOf, type MicroEuro, type MicroEuroPerKwh, type WattHours } from "./units.ts";

export type Tariff = {
  gridPrice: MicroEuroPerKwh;
  feedInPrice: MicroEuroPerKwh;
  communityPrice: MicroEuroPerKwh;
};

export type MeterEnergy = { meter: Hex; importWh: WattHours; exportWh: WattHours };

export type MeterSettlement = MeterEnergy & {
  localBoughtWh: WattHours;
  localSoldWh: WattHours;
  /** What the meter's owner pays: local energy at the community price plus grid energy. */
  debit: MicroEuro;
  /** What the owner receives: local energy at the community price plus feed-in. */
  credit: MicroEuro;
};

export type SettleIntervalParameters = { tariff: Tariff; meters: readonly MeterEnergy[] };
export type SettleIntervalReturnType = {
  importWh: WattHours;
  exportWh: WattHours;
  localWh: WattHours;
  meters: MeterSettlement[];
};

/**
 * The reference settlement of one neighbourhood-interval, the TypeScript twin of
 * NeighbourhoodSettlement.sol: same order (ascending meter id), same rounding, same result to the unit.
 */
export function settleInterval({ tariff, meters }: SettleIntervalParameters): SettleIntervalReturnType {
  const sorted = sortByMeter(meters);
  const imports = sorted.map((m) => m.importWh);
  const exports = sorted.map((m) => m.exportWh);
  const importWh = sum(imports);
  const exportWh = sum(exports);
  const localWh = importWh < exportWh ? importWh : exportWh;
  const bought = allocatePool(imports, importWh, localWh);
  const sold = allocatePool(exports, exportWh, localWh);
  return {
    importWh,
    exportWh,
    localWh,
    meters: sorted.map((m, i) => ({
      ...m,
      localBoughtWh: bought[i],
      localSoldWh: sold[i],
      debit: priceOf(bought[i], tariff.communityPrice) + priceOf(m.importWh - bought[i], tariff.gridPrice),
      credit: priceOf(sold[i], tariff.communityPrice) + priceOf(m.exportWh - sold[i], tariff.feedInPrice),
    })),
  };
}

/**
 * Shares `local` Wh pro rata to `amounts` in whole Wh, summing exactly to `local`: floor shares, then
 * the Wh left by rounding one each to the meters in order that still have room (PoolAllocation.sol).
 */
export function allocatePool(amounts: readonly WattHours[], total: WattHours, local: WattHours): WattHours[] {
  if (local === 0n) return amounts.map(() => 0n);
  const shares = amounts.map((amount) => (amount * local) / total);
  let left = local - sum(shares);
  for (let i = 0; i < shares.length && left > 0n; i++) {
    if (shares[i] < amounts[i]) {
      shares[i] += 1n;
      left -= 1n;
    }
  }
  return shares;
}

/** Meters in the order the contract requires: strictly ascending id. */
export function sortByMeter<T extends { meter: Hex }>(meters: readonly T[]): T[] {
  return [...meters].sort((a, b) => compareIds(a.meter, b.meter));
}

function compareIds(a: Hex, b: Hex): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}
