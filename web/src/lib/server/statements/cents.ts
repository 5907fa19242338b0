/** Base units (10^-6 euro) in a cent. */
export const UNITS_PER_CENT = 10_000n;

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** `amount` of `unit`-sized parts rounded half away from zero to a whole number. */
function roundHalfAway(amount: bigint, unit: bigint): bigint {
  const magnitude = amount < 0n ? -amount : amount;
  const rounded = (magnitude * 2n + unit) / (unit * 2n);
  return amount < 0n ? -rounded : rounded;
}

/**
 * Lines in cents that add up to their total in cents, to the cent: the total is rounded half away
 * from zero, each line rounded down, and the cents missing go to the lines with the largest
 * remainders (earlier lines first on a tie) — the largest remainder method.
 * @param lines Exact amounts, in units of `unit` cents' fractions: `unitsPerCent` of them make a cent.
 * @returns The lines and the total, in cents.
 */
export function apportionCents(lines: readonly bigint[], unitsPerCent: bigint): { lines: bigint[]; total: bigint } {
  const exact = lines.reduce((a, b) => a + b, 0n);
  const total = roundHalfAway(exact, unitsPerCent);
  const floors = lines.map((line) => floorDiv(line, unitsPerCent));
  const remainders = lines.map((line, index) => ({ index, rest: line - floors[index] * unitsPerCent }));
  let missing = total - floors.reduce((a, b) => a + b, 0n);
  const order = remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  const result = [...floors];
  for (const { index } of order) {
    if (missing <= 0n) break;
    result[index] += 1n;
    missing -= 1n;
  }
  return { lines: result, total };
}
