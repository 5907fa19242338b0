import type { ChunkResult } from "./packed.ts";
import { pricesOf, type Tariff } from "./tariff.ts";
import type { MicroEuro, WattHours } from "./units.ts";
import { NachbarstromError } from "./errors.ts";

export type CorrectMeterParameters = {
  /** The meter's result as settled (ChunkSettled). */
  original: ChunkResult;
  /** The tariff in force for the interval. */
  tariff: Tariff;
  importWh: WattHours;
  exportWh: WattHours;
};

/**
 * The twin of SettlementCorrections: debit and credit of a corrected meter-interval. The energy traded
 * locally stays as allocated; the difference in import is priced at the gross grid price and in export
 * at the feed-in price, each rounded toward zero, starting from the original.
 * @throws NachbarstromError when the corrected energy is below what the meter traded locally.
 */
export function correctMeter({ original, tariff, importWh, exportWh }: CorrectMeterParameters): {
  debit: MicroEuro;
  credit: MicroEuro;
} {
  const boughtLocally = original.contractBoughtWh + original.poolBoughtWh;
  const soldLocally = original.contractSoldWh + original.poolSoldWh;
  if (importWh < boughtLocally) {
    throw new NachbarstromError(
      `meter ${original.number}: corrected import ${importWh} Wh is below the ${boughtLocally} Wh it bought locally`,
    );
  }
  if (exportWh < soldLocally) {
    throw new NachbarstromError(
      `meter ${original.number}: corrected export ${exportWh} Wh is below the ${soldLocally} Wh it sold locally`,
    );
  }
  const { gridNet, vatFactor, feedIn } = pricesOf(tariff);
  const towardZero = (value: bigint, divisor: bigint) => (value < 0n ? -(-value / divisor) : value / divisor);
  return {
    debit: original.debit + towardZero((importWh - original.importWh) * gridNet * vatFactor, 10_000_000n),
    credit: original.credit + towardZero((exportWh - original.exportWh) * feedIn, 1000n),
  };
}
