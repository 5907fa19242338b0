import type { IndexedEvent } from "./decode.ts";
import { ReadModelError } from "./errors.ts";
import type { ReadModelTransaction } from "./store.ts";
import { writeContractDeliveries, writePowerContractEvent } from "./write-contracts.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Writes decoded events into the read model's tables, in the order given, inside the range's
 * transaction: a failure part way (a value beyond 64 bits, a broken constraint) throws, and the
 * transaction's rollback leaves none of the range written. `acceptedIn` gives the interval of each
 * block that holds a PowerContractAccepted (the indexer reads their timestamps).
 */
export async function writeEvents(
  trx: ReadModelTransaction,
  events: readonly IndexedEvent[],
  acceptedIn: ReadonlyMap<bigint, bigint> = new Map(),
): Promise<void> {
  for (const event of events) {
    const int = (value: bigint | number, field: string): bigint => {
      const big = BigInt(value);
      if (big < INT64_MIN || big > INT64_MAX) {
        throw new ReadModelError("An event holds a number the read model cannot store", {
          details: `${event.kind}.${field} = ${big} is outside 64 bits (block ${event.blockNumber}, log ${event.logIndex})`,
        });
      }
      return big;
    };
    const where = {
      block_number: event.blockNumber,
      log_index: BigInt(event.logIndex),
      transaction_hash: event.transactionHash,
    };
    switch (event.kind) {
      case "NeighbourhoodRegistered":
        await trx
          .insertInto("neighbourhoods")
          .values({
            neighbourhood: event.neighbourhood,
            allocation_key: BigInt(event.allocationKey),
            tariff_notice_intervals: BigInt(event.tariffNoticeIntervals),
            contract_notice_intervals: BigInt(event.contractNoticeIntervals),
            cost_cap: event.costCap ? 1n : 0n,
            ...where,
          })
          .execute();
        break;
      case "ParticipantRegistered":
        await trx
          .insertInto("participants")
          .values({ account: event.account, number: BigInt(event.number), ...where })
          .execute();
        break;
      case "MeterRegistered":
        await trx
          .insertInto("meters")
          .values({
            meter: event.meter,
            neighbourhood: event.neighbourhood,
            owner: event.owner,
            number: BigInt(event.number),
            retired_block: null,
            replaced_by: null,
            ...where,
          })
          .execute();
        break;
      case "MeterRetired":
        expectOne(
          await trx
            .updateTable("meters")
            .set({ retired_block: event.blockNumber })
            .where("meter", "=", event.meter)
            .executeTakeFirst(),
          event,
        );
        break;
      case "MeterReplaced":
        expectOne(
          await trx
            .updateTable("meters")
            .set({ replaced_by: event.newMeter })
            .where("meter", "=", event.oldMeter)
            .executeTakeFirst(),
          event,
        );
        break;
      case "IntervalSettled":
        await trx
          .insertInto("intervals")
          .values({
            neighbourhood: event.neighbourhood,
            interval: int(event.interval, "interval"),
            commitment: event.commitment,
            batch_key: event.batchKey,
            meter_count: BigInt(event.meterCount),
            import_wh: int(event.importWh, "importWh"),
            export_wh: int(event.exportWh, "exportWh"),
            local_wh: int(event.localWh, "localWh"),
            ...where,
          })
          .execute();
        break;
      case "ChunkSettled":
        if (event.results.length > 0) {
          await trx
            .insertInto("meter_intervals")
            .values(
              event.results.map((r, position) => ({
                neighbourhood: event.neighbourhood,
                interval: int(event.interval, "interval"),
                number: BigInt(r.number),
                chunk: BigInt(event.chunk),
                position: BigInt(position),
                import_wh: BigInt(r.importWh),
                export_wh: BigInt(r.exportWh),
                contract_bought_wh: BigInt(r.contractBoughtWh),
                contract_sold_wh: BigInt(r.contractSoldWh),
                pool_bought_wh: BigInt(r.poolBoughtWh),
                pool_sold_wh: BigInt(r.poolSoldWh),
                debit: int(r.debit, `results[${position}].debit`),
                credit: int(r.credit, `results[${position}].credit`),
                ...where,
              })),
            )
            .execute();
        }
        await writeContractDeliveries(trx, event);
        break;
      case "PowerContractOffered":
      case "PowerContractAccepted":
      case "PowerContractEnded":
        await writePowerContractEvent(trx, event, acceptedIn);
        break;
      case "MeterCorrected":
        await trx
          .insertInto("corrections")
          .values({
            neighbourhood: event.neighbourhood,
            interval: int(event.interval, "interval"),
            number: BigInt(event.number),
            import_wh: BigInt(event.importWh),
            export_wh: BigInt(event.exportWh),
            debit: int(event.debit, "debit"),
            credit: int(event.credit, "credit"),
            change: int(event.change, "change"),
            reason: event.reason,
            ...where,
          })
          .execute();
        break;
      case "TariffAnnounced": {
        const t = event.tariff;
        await trx
          .insertInto("tariffs")
          .values({
            neighbourhood: event.neighbourhood,
            effective_from: int(event.effectiveFrom, "effectiveFrom"),
            grid_energy: int(t.gridEnergy, "tariff.gridEnergy"),
            grid_fee: int(t.gridFee, "tariff.gridFee"),
            local_grid_fee: int(t.localGridFee, "tariff.localGridFee"),
            electricity_tax: int(t.electricityTax, "tariff.electricityTax"),
            concession_fee: int(t.concessionFee, "tariff.concessionFee"),
            levies: int(t.levies, "tariff.levies"),
            feed_in_price: int(t.feedInPrice, "tariff.feedInPrice"),
            community_price: int(t.communityPrice, "tariff.communityPrice"),
            vat_basis_points: BigInt(t.vatBasisPoints),
            ...where,
          })
          .execute();
        break;
      }
      case "ToppedUp":
      case "PaidOut":
        await trx
          .insertInto("credit_movements")
          .values({
            account: event.account,
            kind: event.kind === "ToppedUp" ? "top-up" : "pay-out",
            amount: int(event.amount, "amount"),
            repaid: event.kind === "ToppedUp" ? int(event.repaid, "repaid") : 0n,
            ...where,
          })
          .execute();
        break;
      case "CostCapCredited":
        await trx
          .insertInto("cost_cap_credits")
          .values({
            neighbourhood: event.neighbourhood,
            month: BigInt(event.month),
            number: BigInt(event.number),
            paid: int(event.paid, "paid"),
            grid_only: int(event.gridOnly, "gridOnly"),
            credited: int(event.credited, "credited"),
            ...where,
          })
          .execute();
        break;
    }
  }
}

function expectOne({ numUpdatedRows }: { numUpdatedRows: bigint }, event: IndexedEvent): void {
  if (numUpdatedRows !== 1n) {
    throw new ReadModelError(`${event.kind} names a meter the read model does not know`, {
      details: `block ${event.blockNumber}, log ${event.logIndex}`,
    });
  }
}
