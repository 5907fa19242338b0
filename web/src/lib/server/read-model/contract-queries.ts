import type { DatabaseSync } from "node:sqlite";
import { ALLOCATION_KEY } from "@nachbarstrom/core/settlement";
import type { Address, Hex } from "viem";
import { intColumn, textColumn, type Row } from "./store.ts";

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
export function contractsOf(db: DatabaseSync, owner: Address): ContractRecord[] {
  return db
    .prepare(
      `SELECT pc.*, s.owner AS seller_owner, b.owner AS buyer_owner,
         (SELECT coalesce(sum(d.wh), 0) FROM contract_deliveries d WHERE d.id = pc.id) AS delivered_wh
       FROM power_contracts pc JOIN meters s ON s.meter = pc.seller JOIN meters b ON b.meter = pc.buyer
       WHERE s.owner = :owner OR b.owner = :owner
       ORDER BY pc.id DESC`,
    )
    .all({ owner })
    .map(contractRecord);
}

/** One contract by id, or undefined. */
export function contractById(db: DatabaseSync, id: bigint): ContractRecord | undefined {
  const row = db
    .prepare(
      `SELECT pc.*, s.owner AS seller_owner, b.owner AS buyer_owner,
         (SELECT coalesce(sum(d.wh), 0) FROM contract_deliveries d WHERE d.id = pc.id) AS delivered_wh
       FROM power_contracts pc JOIN meters s ON s.meter = pc.seller JOIN meters b ON b.meter = pc.buyer
       WHERE pc.id = ?`,
    )
    .get(id);
  return row ? contractRecord(row) : undefined;
}

/** What a contract delivered in one interval. */
export type DeliveryRow = { id: bigint; interval: bigint; wh: bigint };

/** The deliveries of contracts `ids` from interval `from` on, oldest first. */
export function deliveriesSince(db: DatabaseSync, ids: readonly bigint[], from: bigint): DeliveryRow[] {
  if (ids.length === 0) return [];
  return db
    .prepare(
      `SELECT id, interval, wh FROM contract_deliveries
       WHERE id IN (${ids.map(() => "?").join(", ")}) AND interval >= ? ORDER BY interval, id`,
    )
    .all(...ids, from)
    .map((row) => ({ id: intColumn(row, "id"), interval: intColumn(row, "interval"), wh: intColumn(row, "wh") }));
}

/** A meter a contract may name: registered and not retired. */
export type NeighbourhoodMeter = { meter: Hex; neighbourhood: Hex; owner: Address; number: number };

/** The meters of `neighbourhoods` that are not retired, by number. */
export function activeMetersIn(db: DatabaseSync, neighbourhoods: readonly Hex[]): NeighbourhoodMeter[] {
  if (neighbourhoods.length === 0) return [];
  return db
    .prepare(
      `SELECT meter, neighbourhood, owner, number FROM meters
       WHERE neighbourhood IN (${neighbourhoods.map(() => "?").join(", ")}) AND retired_block IS NULL
       ORDER BY neighbourhood, number`,
    )
    .all(...neighbourhoods)
    .map((row) => ({
      meter: textColumn(row, "meter") as Hex,
      neighbourhood: textColumn(row, "neighbourhood") as Hex,
      owner: textColumn(row, "owner") as Address,
      number: Number(intColumn(row, "number")),
    }));
}

/** The rules of a neighbourhood that contracts and preferences depend on. */
export type NeighbourhoodRules = { neighbourhood: Hex; staticShares: boolean; contractNoticeIntervals: number };

/** The rules of `neighbourhoods` (those the read model knows). */
export function neighbourhoodRules(db: DatabaseSync, neighbourhoods: readonly Hex[]): NeighbourhoodRules[] {
  if (neighbourhoods.length === 0) return [];
  return db
    .prepare(
      `SELECT neighbourhood, allocation_key, contract_notice_intervals FROM neighbourhoods
       WHERE neighbourhood IN (${neighbourhoods.map(() => "?").join(", ")})`,
    )
    .all(...neighbourhoods)
    .map((row) => ({
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
