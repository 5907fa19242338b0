import { contractDeliveries } from "@nachbarstrom/core/contract-deliveries";
import { sql } from "@nachbarstrom/core/database";
import type { IndexedEvent } from "./decode.ts";
import { ReadModelError } from "./errors.ts";
import type { ReadModelTransaction } from "./store.ts";

type Event<K extends IndexedEvent["kind"]> = Extract<IndexedEvent, { kind: K }>;
type PowerContractEvent = Event<"PowerContractOffered" | "PowerContractAccepted" | "PowerContractEnded">;

/**
 * Applies a power contract event to power_contracts as PowerContracts applies it on chain. Accepting
 * moves validFrom to the interval after the one the acceptance's block was in, at the earliest
 * (`acceptedIn`: block number → interval, read by the indexer); ending an offer ends it, ending an
 * active contract only moves its validUntil.
 */
export async function writePowerContractEvent(
  trx: ReadModelTransaction,
  event: PowerContractEvent,
  acceptedIn: ReadonlyMap<bigint, bigint>,
): Promise<void> {
  switch (event.kind) {
    case "PowerContractOffered":
      await trx
        .insertInto("power_contracts")
        .values({
          id: BigInt(event.id),
          neighbourhood: event.neighbourhood,
          seller: event.seller,
          buyer: event.buyer,
          seller_number: BigInt(event.sellerNumber),
          buyer_number: BigInt(event.buyerNumber),
          price_per_kwh: BigInt(event.pricePerKwh),
          cap_wh: BigInt(event.capWh),
          valid_from: BigInt(event.validFrom),
          valid_until: BigInt(event.validUntil),
          status: "offered",
          accepted_block: null,
          ended_block: null,
          block_number: event.blockNumber,
          log_index: BigInt(event.logIndex),
          transaction_hash: event.transactionHash,
        })
        .execute();
      break;
    case "PowerContractAccepted": {
      const interval = acceptedIn.get(event.blockNumber);
      if (interval === undefined) {
        throw new ReadModelError("The time of a power contract's acceptance is unknown", {
          details: `PowerContractAccepted of contract ${event.id}: no timestamp for block ${event.blockNumber}`,
        });
      }
      const earliest = interval + 1n;
      const result = await trx
        .updateTable("power_contracts")
        .set({
          status: "active",
          accepted_block: event.blockNumber,
          valid_from: sql<bigint>`CASE WHEN valid_from > ${earliest} THEN valid_from ELSE ${earliest} END`,
        })
        .where("id", "=", BigInt(event.id))
        .where("status", "=", "offered")
        .executeTakeFirst();
      expectContract(result, event);
      break;
    }
    case "PowerContractEnded": {
      const result = await trx
        .updateTable("power_contracts")
        .set({
          status: sql<"ended">`CASE status WHEN 'offered' THEN 'ended' ELSE status END`,
          valid_until: BigInt(event.validUntil),
          ended_block: event.blockNumber,
        })
        .where("id", "=", BigInt(event.id))
        .executeTakeFirst();
      expectContract(result, event);
      break;
    }
  }
}

/**
 * Records what each power contract delivered in a settled chunk: the neighbourhood's accepted
 * contracts valid for the interval, as the read model holds them at this point of the chain (the same
 * state settlement read), served again over the chunk's meters by core's contractDeliveries.
 */
export async function writeContractDeliveries(trx: ReadModelTransaction, event: Event<"ChunkSettled">): Promise<void> {
  const contracts = (
    await trx
      .selectFrom("power_contracts")
      .select(["id", "seller_number", "buyer_number", "price_per_kwh", "cap_wh"])
      .where("neighbourhood", "=", event.neighbourhood)
      .where("status", "=", "active")
      .where("valid_from", "<=", event.interval)
      .where("valid_until", ">", event.interval)
      .execute()
  ).map((row) => ({
    id: row.id,
    seller: Number(row.seller_number),
    buyer: Number(row.buyer_number),
    pricePerKwh: row.price_per_kwh,
    capWh: row.cap_wh,
  }));
  if (contracts.length === 0) return;
  const deliveries = contractDeliveries({ meters: event.results, contracts });
  if (deliveries.length === 0) return;
  await trx
    .insertInto("contract_deliveries")
    .values(
      deliveries.map((delivery) => ({
        id: delivery.id,
        interval: event.interval,
        wh: BigInt(delivery.wh),
        block_number: event.blockNumber,
        log_index: BigInt(event.logIndex),
        transaction_hash: event.transactionHash,
      })),
    )
    .execute();
}

function expectContract({ numUpdatedRows }: { numUpdatedRows: bigint }, event: PowerContractEvent): void {
  if (numUpdatedRows !== 1n) {
    const as = event.kind === "PowerContractAccepted" ? " as an open offer" : "";
    throw new ReadModelError(`${event.kind} names a power contract the read model does not have${as}`, {
      details: `contract ${event.id}, block ${event.blockNumber}, log ${event.logIndex}`,
    });
  }
}
