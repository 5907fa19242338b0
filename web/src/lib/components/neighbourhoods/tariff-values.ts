/** The initial tariff's form fields (TariffFields.svelte), as the tariff form names them. */
export const TARIFF_FIELDS = [
  "effectiveDate",
  "gridEnergy",
  "gridFee",
  "localGridFee",
  "electricityTax",
  "concessionFee",
  "levies",
  "feedInPrice",
  "communityPrice",
  "vatPercent",
] as const;

/** Empty tariff fields to start from: today as the effective day, 19 % VAT. */
export function emptyTariff(today = new Date()): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(TARIFF_FIELDS.map((field) => [field, ""]));
  const local = new Date(today.getTime() - today.getTimezoneOffset() * 60_000);
  return { ...values, effectiveDate: local.toISOString().slice(0, 10), vatPercent: "19" };
}

/** Just the tariff fields of a form's values. */
export function tariffOf(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(TARIFF_FIELDS.map((field) => [field, values[field]]));
}
