import type { MicroEuroPerKwh } from "./units.ts";

/**
 * A neighbourhood's tariff with its German components (TariffSchedule.sol). Prices are net, in
 * micro-euro per kWh; VAT in basis points (1900 = 19 %) is added to what households buy.
 */
export type Tariff = {
  /** Energy price of grid supply. */
  gridEnergy: MicroEuroPerKwh;
  /** Grid fee (Netzentgelt) on grid supply. */
  gridFee: MicroEuroPerKwh;
  /** Grid fee on locally shared energy, often reduced. */
  localGridFee: MicroEuroPerKwh;
  /** Electricity tax (Stromsteuer). */
  electricityTax: MicroEuroPerKwh;
  /** Concession fee (Konzessionsabgabe). */
  concessionFee: MicroEuroPerKwh;
  /** §19 StromNEV, offshore grid and CHP levies, summed. */
  levies: MicroEuroPerKwh;
  /** Paid for surplus fed into the grid (no VAT). */
  feedInPrice: MicroEuroPerKwh;
  /** Energy price of pool energy, paid to the producers. */
  communityPrice: MicroEuroPerKwh;
  vatBasisPoints: number;
};

/** Prices of one interval as SettlementMath.prices computes them. */
export type Prices = {
  localSurcharge: bigint;
  gridNet: bigint;
  community: bigint;
  feedIn: bigint;
  vatFactor: bigint;
  /** What a kWh of pool energy costs a buyer, gross: compared with the buyer's price limit. */
  poolBuyGross: bigint;
};

export function pricesOf(tariff: Tariff): Prices {
  const localSurcharge = tariff.localGridFee + tariff.electricityTax + tariff.concessionFee + tariff.levies;
  const gridNet = tariff.gridEnergy + tariff.gridFee + tariff.electricityTax + tariff.concessionFee + tariff.levies;
  const vatFactor = 10_000n + BigInt(tariff.vatBasisPoints);
  return {
    localSurcharge,
    gridNet,
    community: tariff.communityPrice,
    feedIn: tariff.feedInPrice,
    vatFactor,
    poolBuyGross: ((tariff.communityPrice + localSurcharge) * vatFactor) / 10_000n,
  };
}

/** Gross price of a kWh from the grid, rounded down to the micro-euro (for display and comparisons). */
export function gridGrossPrice(tariff: Tariff): bigint {
  const { gridNet, vatFactor } = pricesOf(tariff);
  return (gridNet * vatFactor) / 10_000n;
}
