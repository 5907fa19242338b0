import { LOCALE_TAGS, type Locale } from "../i18n/locale.ts";
import { toDecimalString } from "./decimal.ts";

/** Decimals of the credit token: 1_000_000 base units = 1 euro. */
export const CREDIT_DECIMALS = 6;

export type FormatEuroOptions = {
  /** Decimals to show, 0 to 6; amounts are rounded half away from zero. Default 2 (cents). */
  fractionDigits?: number;
  /** Show "+" for positive amounts, as for a net balance. Default false. */
  signed?: boolean;
};

/** Credit base units as euros in `locale`, e.g. 1_005_000n → "1,01 €" (de) or "€1.01" (en), exactly. */
export function formatEuro(
  units: bigint,
  locale: Locale,
  { fractionDigits = 2, signed = false }: FormatEuroOptions = {},
): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], {
    style: "currency",
    currency: "EUR",
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
    roundingMode: "halfExpand",
    signDisplay: signed ? "exceptZero" : "negative",
  }).format(toDecimalString(units, CREDIT_DECIMALS));
}

/** Base units rounded half away from zero to `fractionDigits` euro decimals, still in base units. */
export function roundUnits(units: bigint, fractionDigits: number): bigint {
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > CREDIT_DECIMALS) {
    throw new RangeError(`fractionDigits must be a whole number from 0 to ${CREDIT_DECIMALS}, got ${fractionDigits}`);
  }
  const step = 10n ** BigInt(CREDIT_DECIMALS - fractionDigits);
  const magnitude = units < 0n ? -units : units;
  const rounded = ((magnitude + step / 2n) / step) * step;
  return units < 0n ? -rounded : rounded;
}

/**
 * The net of a row as shown next to its rounded debit and credit: the difference of the rounded
 * amounts, so that the three figures on screen always add up.
 */
export function shownNet(debit: bigint, credit: bigint, fractionDigits: number): bigint {
  return roundUnits(credit, fractionDigits) - roundUnits(debit, fractionDigits);
}
