import { sql } from "@nachbarstrom/core/database";
import type { Hex } from "viem";
import { allRows, intColumn, textColumn, type ReadModelDb } from "../read-model/store.ts";

/** Where a tariff stands against the current interval. */
export type TariffState = "past" | "current" | "announced";

/** One announced tariff (TariffAnnounced); prices in credit base units (micro-euro) per kWh, net. */
export type TariffRow = {
  neighbourhood: Hex;
  effectiveFrom: bigint;
  state: TariffState;
  gridEnergy: bigint;
  gridFee: bigint;
  localGridFee: bigint;
  electricityTax: bigint;
  concessionFee: bigint;
  levies: bigint;
  feedInPrice: bigint;
  communityPrice: bigint;
  vatBasisPoints: number;
  /** Grid supply per kWh with VAT, as a household pays it: (energy + fee + tax + concession + levies) × (1 + VAT). */
  gridGross: bigint;
  transactionHash: Hex;
};

/**
 * Every tariff of every neighbourhood, newest effective date first within a neighbourhood: the one in
 * force at `now` (an interval) is current, later ones announced, earlier ones past.
 */
export async function tariffHistory(db: ReadModelDb, now: bigint): Promise<TariffRow[]> {
  const stored = await allRows(
    db,
    sql`SELECT t.* FROM tariffs t JOIN neighbourhoods n USING (neighbourhood)
       ORDER BY n.block_number, n.log_index, t.effective_from DESC`,
  );
  const rows = stored.map((row) => {
    const price = (column: string) => intColumn(row, column);
    const vatBasisPoints = Number(intColumn(row, "vat_basis_points"));
    const gridNet =
      price("grid_energy") + price("grid_fee") + price("electricity_tax") + price("concession_fee") + price("levies");
    return {
      neighbourhood: textColumn(row, "neighbourhood") as Hex,
      effectiveFrom: intColumn(row, "effective_from"),
      state: "past" as TariffState,
      gridEnergy: price("grid_energy"),
      gridFee: price("grid_fee"),
      localGridFee: price("local_grid_fee"),
      electricityTax: price("electricity_tax"),
      concessionFee: price("concession_fee"),
      levies: price("levies"),
      feedInPrice: price("feed_in_price"),
      communityPrice: price("community_price"),
      vatBasisPoints,
      gridGross: (gridNet * (10_000n + BigInt(vatBasisPoints))) / 10_000n,
      transactionHash: textColumn(row, "transaction_hash") as Hex,
    };
  });
  const seenCurrent = new Set<Hex>();
  for (const row of rows) {
    if (row.effectiveFrom > now) row.state = "announced";
    else if (!seenCurrent.has(row.neighbourhood)) {
      row.state = "current";
      seenCurrent.add(row.neighbourhood);
    }
  }
  return rows;
}
