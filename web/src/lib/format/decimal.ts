/**
 * An integer amount in base units as an exact decimal string: (1_005_000n, 6) → "1.005000".
 * Intl.NumberFormat formats such strings exactly, so money and energy never pass through floating point.
 */
export function toDecimalString(units: bigint, decimals: number): `${number}` {
  if (!Number.isInteger(decimals) || decimals < 0)
    throw new RangeError(`decimals must be a whole number ≥ 0, got ${decimals}`);
  const sign = units < 0n ? "-" : "";
  const magnitude = units < 0n ? -units : units;
  if (decimals === 0) return `${sign}${magnitude}` as `${number}`;
  const scale = 10n ** BigInt(decimals);
  const fraction = (magnitude % scale).toString().padStart(decimals, "0");
  return `${sign}${magnitude / scale}.${fraction}` as `${number}`;
}
