import { FINE_PER_UNIT, PURCHASE_PARTS, SALE_PARTS, type PurchasePart, type SalePart } from "./breakdown.ts";
import { apportionCents, UNITS_PER_CENT } from "./cents.ts";
import type { Totals } from "./priced.ts";

/** A statement line: its amount in cents as printed, and exactly in base units (may have a fraction). */
export type StatementLine<K extends string> = { key: K; cents: bigint; exact: bigint };

export type StatementSection<K extends string> = { lines: StatementLine<K>[]; totalCents: bigint; exactTotal: bigint };

export type StatementMoney = {
  purchases: StatementSection<PurchasePart>;
  sales: StatementSection<SalePart>;
  /** Received − paid + corrections + cost cap credit, each summand as printed. */
  summary: StatementSection<"received" | "paid" | "corrections" | "costCap">;
  gridOnlyCents: bigint;
  feedInOnlyCents: bigint;
  savingCents: bigint;
  extraIncomeCents: bigint;
};

const FINE_PER_CENT = FINE_PER_UNIT * UNITS_PER_CENT;

function section<K extends string>(keys: readonly K[], fine: Record<K, bigint>): StatementSection<K> {
  const { lines, total } = apportionCents(
    keys.map((k) => fine[k]),
    FINE_PER_CENT,
  );
  return {
    lines: keys.map((key, i) => ({ key, cents: lines[i], exact: fine[key] / FINE_PER_UNIT })),
    totalCents: total,
    exactTotal: keys.reduce((a, k) => a + fine[k], 0n) / FINE_PER_UNIT,
  };
}

/** Rounded half away from zero to the cent. */
export function toCents(units: bigint): bigint {
  return apportionCents([units], UNITS_PER_CENT).total;
}

/**
 * The month's money as printed: every section's lines add up to its total to the cent (apportionCents);
 * the totals are the exact sums of what settlement charged and paid, rounded to the cent once.
 * Saving and extra income are differences of printed figures, so they too add up on paper.
 */
export function statementMoney(totals: Totals, corrections: bigint, costCap: bigint): StatementMoney {
  const { money } = totals;
  const purchases = section(PURCHASE_PARTS, money.purchases);
  const sales = section(SALE_PARTS, money.sales);
  const paidCents = purchases.totalCents;
  const receivedCents = sales.totalCents;
  const correctionsCents = toCents(corrections);
  const costCapCents = toCents(costCap);
  const summaryLines = [
    { key: "received" as const, cents: receivedCents, exact: money.credit },
    { key: "paid" as const, cents: -paidCents, exact: -money.debit },
    { key: "corrections" as const, cents: correctionsCents, exact: corrections },
    { key: "costCap" as const, cents: costCapCents, exact: costCap },
  ];
  const gridOnlyCents = toCents(money.gridOnlyCost);
  const feedInOnlyCents = toCents(money.feedInOnlyIncome);
  return {
    purchases,
    sales,
    summary: {
      lines: summaryLines,
      totalCents: summaryLines.reduce((a, l) => a + l.cents, 0n),
      exactTotal: money.credit - money.debit + corrections + costCap,
    },
    gridOnlyCents,
    feedInOnlyCents,
    savingCents: gridOnlyCents - paidCents,
    extraIncomeCents: receivedCents - feedInOnlyCents,
  };
}
