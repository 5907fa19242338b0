import { toDecimalString } from "../../format/decimal.ts";
import { CREDIT_DECIMALS } from "../../format/money.ts";
import type { BillingRow } from "./billing.ts";
import { monthText } from "./params.ts";

/** The export's columns, in order; web/README.md ("Billing export") documents each. */
export const BILLING_COLUMNS = [
  "month",
  "account",
  "meters",
  "imported_from_grid_wh",
  "bought_contracts_wh",
  "bought_pool_wh",
  "sold_contracts_wh",
  "sold_pool_wh",
  "exported_to_grid_wh",
  "debit_eur",
  "credit_eur",
  "net_eur",
  "cost_cap_credit_eur",
] as const;

/** Credit base units as exact euros with a dot and all six decimals: -1_005_000n → "-1.005000". */
export function csvEuro(units: bigint): string {
  return toDecimalString(units, CREDIT_DECIMALS);
}

/** The billing rows as CSV (RFC 4180: comma, CRLF, header line); no field needs quoting (hex, digits, dots, spaces). */
export function billingCsv(rows: readonly BillingRow[]): string {
  const lines = rows.map((row) =>
    [
      monthText(row.month),
      row.account,
      row.meters.join(" "),
      row.fromGridWh,
      row.contractBoughtWh,
      row.poolBoughtWh,
      row.contractSoldWh,
      row.poolSoldWh,
      row.toGridWh,
      csvEuro(row.debit),
      csvEuro(row.credit),
      csvEuro(row.net),
      csvEuro(row.costCapCredit),
    ].join(","),
  );
  return [BILLING_COLUMNS.join(","), ...lines].map((line) => `${line}\r\n`).join("");
}
