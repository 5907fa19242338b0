/** A long hex value shortened for display: "0x1234…cdef". Short values are returned unchanged. */
export function shortenHex(value: string, keep = 4): string {
  const head = 2 + keep;
  return value.length <= head + keep + 1 ? value : `${value.slice(0, head)}…${value.slice(-keep)}`;
}
