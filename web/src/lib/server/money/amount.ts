/** Micro-euro per euro: the credit token has 6 decimals. */
const UNITS_PER_EURO = 1_000_000n;

/** The smallest top-up a household may ask for: 1 €. Smaller transfers cost the utility more than they bring. */
export const MIN_TOP_UP = 1n * UNITS_PER_EURO;
/** The smallest pay-out: one cent, the smallest amount a bank transfers. */
export const MIN_PAY_OUT = 10_000n;
/** The largest request of either kind: 10,000 €; larger sums go through the utility's billing office. */
export const MAX_REQUEST = 10_000n * UNITS_PER_EURO;

/**
 * A euro amount as a person types it, in micro-euro, exactly: whole euros and at most two decimals
 * after a point or a comma ("25", "25.00", "25,5"). No thousands separators, signs or spaces inside,
 * since "1.000" would mean 1 € in English and 1,000 € in German. Undefined when it is not such a number.
 */
export function parseEuroInput(text: string): bigint | undefined {
  const match = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]) * UNITS_PER_EURO + BigInt((match[2] ?? "").padEnd(2, "0")) * 10_000n;
}
