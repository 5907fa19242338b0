/** A credit position as the household page shows it, in base units; at most one of the two is non-zero. */
export type AccountFigures = { balance: bigint; debt: bigint };

/**
 * Splits CreditToken's signed position (positionOf): positive is a balance, negative a debt to the
 * utility, which the next top-up or credit repays first.
 */
export function accountFigures(position: bigint): AccountFigures {
  return position < 0n ? { balance: 0n, debt: -position } : { balance: position, debt: 0n };
}
