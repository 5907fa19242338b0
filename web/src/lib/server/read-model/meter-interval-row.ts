import { intColumn, type Row } from "./store.ts";

/** A meter's settled energy and money in one interval, from a `meter_intervals` row. */
export function meterIntervalOf(row: Row) {
  return {
    number: Number(intColumn(row, "number")),
    importWh: intColumn(row, "import_wh"),
    exportWh: intColumn(row, "export_wh"),
    contractBoughtWh: intColumn(row, "contract_bought_wh"),
    contractSoldWh: intColumn(row, "contract_sold_wh"),
    poolBoughtWh: intColumn(row, "pool_bought_wh"),
    poolSoldWh: intColumn(row, "pool_sold_wh"),
    debit: intColumn(row, "debit"),
    credit: intColumn(row, "credit"),
  };
}
