/**
 * How the audit log shows an action's details in words: each stored detail (JSON, bigints as decimal
 * strings) with the kind of value it is, so the table formats euros, kWh, intervals and ids in the
 * reader's language. Known detail names get a label in the audit catalogue (`audit.detail.<name>`).
 */

/** A detail as the table shows it. */
export type AuditDetail =
  | { name: string; type: "euro" | "kwh" | "interval"; value: bigint }
  | { name: string; type: "hex" | "text"; value: string };

/** Money in micro-euro, by detail name (a tariff's prices are micro-euro per kWh). */
const EURO = new Set(["amount", "debit", "credit", "change", "repaid", "price", "pricePerKwh"]);
/** Interval numbers, shown as their start. */
const INTERVAL = new Set(["interval", "effectiveFrom", "validFrom", "validUntil", "from", "to"]);
/** Details that are the action's bookkeeping, not what was asked for. */
const HIDDEN = new Set(["code", "challenge"]);

function integer(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d{1,30}$/.test(value)) return BigInt(value);
  return undefined;
}

/** The details in the order they were recorded, typed for formatting; codes and challenges never shown. */
export function auditDetails(details: Readonly<Record<string, unknown>>): AuditDetail[] {
  return Object.entries(details)
    .filter(([name]) => !HIDDEN.has(name))
    .map(([name, raw]): AuditDetail => {
      const number = integer(raw);
      if (number !== undefined && EURO.has(name)) return { name, type: "euro", value: number };
      if (number !== undefined && name.endsWith("Wh")) return { name, type: "kwh", value: number };
      if (number !== undefined && INTERVAL.has(name)) return { name, type: "interval", value: number };
      if (typeof raw === "string" && /^0x[0-9a-fA-F]+$/.test(raw)) return { name, type: "hex", value: raw };
      return { name, type: "text", value: typeof raw === "string" ? raw : JSON.stringify(raw) };
    });
}
