/** The largest uint32: PowerContracts keeps prices (micro-euro per kWh) and caps (Wh) in 32 bits. */
export const UINT32_MAX = 4_294_967_295n;
/** The largest price limit a meter record holds (MeterRecords.MAX_PRICE), in micro-euro per kWh. */
export const MAX_PREFERENCE_PRICE = 16_777_215n;

/**
 * "22" or "22,5" (ct/kWh, up to 4 decimals) → micro-euro per kWh; undefined unless a plain decimal
 * number within 0…`max`. 1 ct = 10,000 micro-euro, so 4 decimals are exact.
 */
export function parseCentsPerKwh(text: string, max: bigint): bigint | undefined {
  const match = /^(\d{1,12})(?:[.,](\d{1,4}))?$/.exec(text.trim());
  if (!match) return undefined;
  const units = BigInt(match[1]) * 10_000n + BigInt((match[2] ?? "").padEnd(4, "0"));
  return units <= max ? units : undefined;
}

/** "0,5" (kWh, up to 3 decimals) → 500 Wh; undefined unless a plain decimal number within 0…`max` Wh. */
export function parseKwh(text: string, max: bigint): bigint | undefined {
  const match = /^(\d{1,12})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return undefined;
  const wh = BigInt(match[1]) * 1000n + BigInt((match[2] ?? "").padEnd(3, "0"));
  return wh <= max ? wh : undefined;
}

/** What `wh` at `pricePerKwh` comes to, in micro-euro, rounded down as settlement credits a seller. */
export function valueAt(wh: bigint, pricePerKwh: bigint): bigint {
  return (wh * pricePerKwh) / 1000n;
}
