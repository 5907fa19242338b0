/** MeterRecords.MAX_SHARE_WEIGHT: a meter record keeps the weight in 16 bits. */
export const MAX_SHARE_WEIGHT = 65_535;

/** "120" → 120; undefined unless a whole number from 0 to MAX_SHARE_WEIGHT. */
export function parseShareWeight(value: unknown): number | undefined {
  const text = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const weight = Number(text);
  return weight <= MAX_SHARE_WEIGHT ? weight : undefined;
}
