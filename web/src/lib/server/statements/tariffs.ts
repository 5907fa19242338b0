import { sql } from "@nachbarstrom/core/database";
import { getAddress, type Address } from "viem";
import { tariffHistory, type TariffRow } from "../console/tariffs.ts";
import { allRows, textColumn, type ReadModelDb } from "../read-model/store.ts";

/**
 * The tariffs of the neighbourhoods the owner has a meter in (retired meters included: their
 * statements were priced by these tariffs), as the console reads them: current, announced, past.
 */
export async function householdTariffs(db: ReadModelDb, owner: Address, now: bigint): Promise<TariffRow[]> {
  const rows = await allRows(db, sql`SELECT DISTINCT neighbourhood FROM meters WHERE owner = ${getAddress(owner)}`);
  const mine = new Set(rows.map((row) => textColumn(row, "neighbourhood")));
  return (await tariffHistory(db, now)).filter((row) => mine.has(row.neighbourhood));
}
