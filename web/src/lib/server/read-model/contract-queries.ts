import { sql } from "@nachbarstrom/core/database";
import { ALLOCATION_KEY } from "@nachbarstrom/core/settlement";
import { getAddress, type Address, type Hex } from "viem";
import { allRows, firstRow, intColumn, textColumn, type ReadModelDb, type Row } from "./store.ts";

export type ContractStatus = "offered" | "active" | "ended";

/** A power contract as the read model holds it, with its meters' owners and what it delivered in all. */
export type ContractRecord = {
  id: bigint;
  neighbourhood: Hex;
  seller: Hex;
  buyer: Hex;
  sellerOwner: Address;
  buyerOwner: Address;
  pricePerKwh: bigint;
  capWh: bigint;
  validFrom: bigint;
  validUntil: bigint;
  status: ContractStatus;
  /** Whether a party ended it (an offer withdrawn or declined, or notice given on an active contract). */
  endRequested: boolean;
  deliveredWh: bigint;
};

/** The contracts in which a meter of `owner` (any letter case) sells or buys, newest first. */
export async function contractsOf(db: ReadModelDb, owner: Address): Promise<ContractRecord[]> {
  const account = getAddress(owner);
  const rows = await allRows(
    db,
    sql`SELECT pc.*, s.owner AS seller_owner, b.owner AS buyer_owner,
         (SELECT coalesce(sum(d.wh), 0) FROM contract_deliveries d WHERE d.id = pc.id) AS delivered_wh
       FROM power_contracts pc JOIN meters s ON s.meter = pc.seller JOIN meters b ON b.meter = pc.buyer
       WHERE s.owner = ${account} OR b.owner = ${account}
       ORDER BY pc.id DESC`,
  );
  return rows.map(contractRecord);
}

/** One contract by id, or undefined. */
export async function contractById(db: ReadModelDb, id: bigint): Promise<ContractRecord | undefined> {
  const row = await firstRow(
    db,
    sql`SELECT pc.*, s.owner AS seller_owner, b.owner AS buyer_owner,
         (SELECT coalesce(sum(d.wh), 0) FROM contract_deliveries d WHERE d.id = pc.id) AS delivered_wh
       FROM power_contracts pc JOIN meters s ON s.meter = pc.seller JOIN meters b ON b.meter = pc.buyer
       WHERE pc.id = ${id}`,
  );
  return row ? contractRecord(row) : undefined;
}

/** What a contract delivered in one interval. */
export type DeliveryRow = { id: bigint; interval: bigint; wh: bigint };

/** The deliveries of contracts `ids` from interval `from` on, oldest first. */
export async function deliveriesSince(db: ReadModelDb, ids: readonly bigint[], from: bigint): Promise<DeliveryRow[]> {
  if (ids.length === 0) return [];
  const rows = await allRows(
    db,
    sql`SELECT id, interval, wh FROM contract_deliveries
       WHERE id IN (${sql.join(ids)}) AND interval >= ${from} ORDER BY interval, id`,
  );
  return rows.map((row) => ({
    id: intColumn(row, "id"),
    interval: intColumn(row, "interval"),
    wh: intColumn(row, "wh"),
  }));
}

/** A meter a contract may name: registered and not retired. */
export type NeighbourhoodMeter = { meter: Hex; neighbourhood: Hex; owner: Address; number: number };

/** The meters of `neighbourhoods` that are not retired, by number. */
export async function activeMetersIn(db: ReadModelDb, neighbourhoods: readonly Hex[]): Promise<NeighbourhoodMeter[]> {
  if (neighbourhoods.length === 0) return [];
  const rows = await allRows(
    db,
    sql`SELECT meter, neighbourhood, owner, number FROM meters
       WHERE neighbourhood IN (${sql.join(neighbourhoods)}) AND retired_block IS NULL
       ORDER BY neighbourhood, number`,
  );
  return rows.map((row) => ({
    meter: textColumn(row, "meter") as Hex,
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    owner: textColumn(row, "owner") as Address,
    number: Number(intColumn(row, "number")),
  }));
}

/** The rules of a neighbourhood that contracts and preferences depend on. */
export type NeighbourhoodRules = { neighbourhood: Hex; staticShares: boolean; contractNoticeIntervals: number };

/** The rules of `neighbourhoods` (those the read model knows). */
export async function neighbourhoodRules(
  db: ReadModelDb,
  neighbourhoods: readonly Hex[],
): Promise<NeighbourhoodRules[]> {
  if (neighbourhoods.length === 0) return [];
  const rows = await allRows(
    db,
    sql`SELECT neighbourhood, allocation_key, contract_notice_intervals FROM neighbourhoods
       WHERE neighbourhood IN (${sql.join(neighbourhoods)})`,
  );
  return rows.map((row) => ({
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    staticShares: intColumn(row, "allocation_key") === BigInt(ALLOCATION_KEY.staticShares),
    contractNoticeIntervals: Number(intColumn(row, "contract_notice_intervals")),
  }));
}

function contractRecord(row: Row): ContractRecord {
  return {
    id: intColumn(row, "id"),
    neighbourhood: textColumn(row, "neighbourhood") as Hex,
    seller: textColumn(row, "seller") as Hex,
    buyer: textColumn(row, "buyer") as Hex,
    sellerOwner: textColumn(row, "seller_owner") as Address,
    buyerOwner: textColumn(row, "buyer_owner") as Address,
    pricePerKwh: intColumn(row, "price_per_kwh"),
    capWh: intColumn(row, "cap_wh"),
    validFrom: intColumn(row, "valid_from"),
    validUntil: intColumn(row, "valid_until"),
    status: textColumn(row, "status") as ContractStatus,
    endRequested: row.ended_block !== null,
    deliveredWh: intColumn(row, "delivered_wh"),
  };
}
