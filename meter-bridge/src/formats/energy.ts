/** Register values in the units meters print them in, turned into whole Wh without floating point. */

/** Units an energy register may carry, with their factor to Wh (as meters and scripts spell them). */
const UNIT_FACTOR: Readonly<Record<string, bigint>> = {
  Wh: 1n,
  kWh: 1000n,
  KWh: 1000n,
  KWH: 1000n,
  MWh: 1_000_000n,
};

export type EnergyResult = { ok: true; wh: bigint } | { ok: false; problem: string };

const DECIMAL = /^\+?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * Parses a decimal text such as "001234.567" or "1.2345678e3" exactly and returns whole Wh; digits
 * below 1 Wh are cut (the register is cumulative, so the cut part shows in a later reading).
 */
export function decimalToWh(text: string, unit: string): EnergyResult {
  const factor = Object.hasOwn(UNIT_FACTOR, unit) ? UNIT_FACTOR[unit] : undefined;
  if (factor === undefined) {
    return { ok: false, problem: `has unit ${JSON.stringify(unit)}, not an energy unit (Wh, kWh or MWh)` };
  }
  if (text.length === 0) return { ok: false, problem: "is empty" };
  if (text.length > 40) return { ok: false, problem: `is too long to be a register (${text.length} characters)` };
  if (/^\s*-/.test(text)) return { ok: false, problem: `is negative (${text})` };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, problem: `is not a decimal number (${JSON.stringify(text)})` };
  const [, whole, fraction = "", exponent = "0"] = match;
  const shift = Number(exponent) - fraction.length;
  let value = BigInt(whole + fraction) * factor;
  if (shift >= 0) {
    if (shift > 30) return { ok: false, problem: `is absurdly large (${text})` };
    value *= 10n ** BigInt(shift);
  } else {
    value /= 10n ** BigInt(-shift);
  }
  return { ok: true, wh: value };
}

/** A JSON value (number or numeric string) in the given unit, in whole Wh. */
export function jsonToWh(value: unknown, unit: string): EnergyResult {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, problem: `is not a finite number (${value})` };
    if (value < 0) return { ok: false, problem: `is negative (${value})` };
    // String() gives the shortest text that reads back as the same double: the digits the device sent.
    return decimalToWh(String(value), unit);
  }
  if (typeof value === "string") return decimalToWh(value.trim(), unit);
  if (value === undefined) return { ok: false, problem: "is missing" };
  return { ok: false, problem: `is not a number (${JSON.stringify(value)})` };
}

/** An integer register value times 10^scaler (SML), in whole Wh. */
export function scaledToWh(value: bigint, scaler: number): EnergyResult {
  if (value < 0n) return { ok: false, problem: `is negative (${value} × 10^${scaler} Wh)` };
  if (!Number.isInteger(scaler) || scaler < -12 || scaler > 12) {
    return { ok: false, problem: `has an implausible scaler 10^${scaler}` };
  }
  return { ok: true, wh: scaler >= 0 ? value * 10n ** BigInt(scaler) : value / 10n ** BigInt(-scaler) };
}
