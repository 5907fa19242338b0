import type { StatementSync } from "node:sqlite";
import { contractDeliveries } from "@nachbarstrom/core/contract-deliveries";
import type { IndexedEvent } from "./decode.ts";
import { ReadModelError } from "./errors.ts";
import { intColumn } from "./store.ts";

type Event<K extends IndexedEvent["kind"]> = Extract<IndexedEvent, { kind: K }>;
type PowerContractEvent = Event<"PowerContractOffered" | "PowerContractAccepted" | "PowerContractEnded">;

/** A prepared statement per SQL text, kept for the range (writeEvents' cache). */
export type Prepare = (sql: string) => StatementSync;

/**
 * Applies a power contract event to power_contracts as PowerContracts applies it on chain. Accepting
 * moves validFrom to the interval after the one the acceptance's block was in, at the earliest
 * (`acceptedIn`: block number → interval, read by the indexer); ending an offer ends it, ending an
 * active contract only moves its validUntil.
 */
export function writePowerContractEvent(
  prepare: Prepare,
  event: PowerContractEvent,
  acceptedIn: ReadonlyMap<bigint, bigint>,
): void {
  const where = [event.blockNumber, event.logIndex, event.transactionHash] as const;
  switch (event.kind) {
    case "PowerContractOffered":
      prepare(
        `INSERT INTO power_contracts (id, neighbourhood, seller, buyer, seller_number, buyer_number, price_per_kwh,
           cap_wh, valid_from, valid_until, status, block_number, log_index, transaction_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'offered', ?, ?, ?)`,
      ).run(
        event.id,
        event.neighbourhood,
        event.seller,
        event.buyer,
        event.sellerNumber,
        event.buyerNumber,
        event.pricePerKwh,
        event.capWh,
        event.validFrom,
        event.validUntil,
        ...where,
      );
      break;
    case "PowerContractAccepted": {
      const interval = acceptedIn.get(event.blockNumber);
      if (interval === undefined) {
        throw new ReadModelError("The time of a power contract's acceptance is unknown", {
          details: `PowerContractAccepted of contract ${event.id}: no timestamp for block ${event.blockNumber}`,
        });
      }
      expectContract(
        prepare(
          `UPDATE power_contracts SET status = 'active', accepted_block = ?, valid_from = max(valid_from, ?)
           WHERE id = ? AND status = 'offered'`,
        ).run(event.blockNumber, interval + 1n, event.id),
        event,
      );
      break;
    }
    case "PowerContractEnded":
      expectContract(
        prepare(
          `UPDATE power_contracts SET status = CASE status WHEN 'offered' THEN 'ended' ELSE status END,
             valid_until = ?, ended_block = ? WHERE id = ?`,
        ).run(event.validUntil, event.blockNumber, event.id),
        event,
      );
      break;
  }
}

/**
 * Records what each power contract delivered in a settled chunk: the neighbourhood's accepted
 * contracts valid for the interval, as the read model holds them at this point of the chain (the same
 * state settlement read), served again over the chunk's meters by core's contractDeliveries.
 */
export function writeContractDeliveries(prepare: Prepare, event: Event<"ChunkSettled">): void {
  const contracts = prepare(
    `SELECT id, seller_number, buyer_number, price_per_kwh, cap_wh FROM power_contracts
     WHERE neighbourhood = ? AND status = 'active' AND valid_from <= ? AND valid_until > ?`,
  )
    .all(event.neighbourhood, event.interval, event.interval)
    .map((row) => ({
      id: intColumn(row, "id"),
      seller: Number(intColumn(row, "seller_number")),
      buyer: Number(intColumn(row, "buyer_number")),
      pricePerKwh: intColumn(row, "price_per_kwh"),
      capWh: intColumn(row, "cap_wh"),
    }));
  if (contracts.length === 0) return;
  const insert = prepare(
    `INSERT INTO contract_deliveries (id, interval, wh, block_number, log_index, transaction_hash)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const delivery of contractDeliveries({ meters: event.results, contracts })) {
    insert.run(delivery.id, event.interval, delivery.wh, event.blockNumber, event.logIndex, event.transactionHash);
  }
}

function expectContract({ changes }: { changes: number | bigint }, event: PowerContractEvent): void {
  if (Number(changes) !== 1) {
    const as = event.kind === "PowerContractAccepted" ? " as an open offer" : "";
    throw new ReadModelError(`${event.kind} names a power contract the read model does not have${as}`, {
      details: `contract ${event.id}, block ${event.blockNumber}, log ${event.logIndex}`,
    });
  }
}
