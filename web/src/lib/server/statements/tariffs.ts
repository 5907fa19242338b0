import type { DatabaseSync } from "node:sqlite";
import type { Address } from "viem";
import { tariffHistory, type TariffRow } from "../console/tariffs.ts";
import { textColumn } from "../read-model/store.ts";

/**
 * The tariffs of the neighbourhoods the owner has a meter in (retired meters included: their
 * statements were priced by these tariffs), as the console reads them: current, announced, past.
 */
export function householdTariffs(db: DatabaseSync, owner: Address, now: bigint): TariffRow[] {
  const mine = new Set(
    db
      .prepare("SELECT DISTINCT neighbourhood FROM meters WHERE owner = ?")
      .all(owner)
      .map((row) => textColumn(row, "neighbourhood")),
  );
  return tariffHistory(db, now).filter((row) => mine.has(row.neighbourhood));
}
