import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { IndexedEvent } from "./decode.ts";
import { ReadModelError } from "./errors.ts";
import { writeContractDeliveries, writePowerContractEvent } from "./write-contracts.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Writes decoded events into the read model's tables, in the order given. Call inside the range's
 * transaction: a failure part way (a value beyond 64 bits, a broken constraint) throws, and the
 * caller's rollback leaves none of the range written. `acceptedIn` gives the interval of each block
 * that holds a PowerContractAccepted (the indexer reads their timestamps).
 */
export function writeEvents(
  db: DatabaseSync,
  events: readonly IndexedEvent[],
  acceptedIn: ReadonlyMap<bigint, bigint> = new Map(),
): void {
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const run = (sql: string, ...values: SQLInputValue[]) => prepare(sql).run(...values);
  for (const event of events) {
    const int = (value: bigint, field: string): bigint => {
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new ReadModelError("An event holds a number the read model cannot store", {
          details: `${event.kind}.${field} = ${value} is outside 64 bits (block ${event.blockNumber}, log ${event.logIndex})`,
        });
      }
      return value;
    };
    const where = [event.blockNumber, event.logIndex, event.transactionHash] as const;
    switch (event.kind) {
      case "NeighbourhoodRegistered":
        run(
          `INSERT INTO neighbourhoods (neighbourhood, allocation_key, tariff_notice_intervals, contract_notice_intervals,
             cost_cap, block_number, log_index, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          event.neighbourhood,
          event.allocationKey,
          event.tariffNoticeIntervals,
          event.contractNoticeIntervals,
          event.costCap ? 1 : 0,
          ...where,
        );
        break;
      case "ParticipantRegistered":
        run(
          `INSERT INTO participants (account, number, block_number, log_index, transaction_hash) VALUES (?, ?, ?, ?, ?)`,
          event.account,
          event.number,
          ...where,
        );
        break;
      case "MeterRegistered":
        run(
          `INSERT INTO meters (meter, neighbourhood, owner, number, block_number, log_index, transaction_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          event.meter,
          event.neighbourhood,
          event.owner,
          event.number,
          ...where,
        );
        break;
      case "MeterRetired":
        expectOne(run(`UPDATE meters SET retired_block = ? WHERE meter = ?`, event.blockNumber, event.meter), event);
        break;
      case "MeterReplaced":
        expectOne(run(`UPDATE meters SET replaced_by = ? WHERE meter = ?`, event.newMeter, event.oldMeter), event);
        break;
      case "IntervalSettled":
        run(
          `INSERT INTO intervals (neighbourhood, interval, commitment, batch_key, meter_count, import_wh, export_wh,
             local_wh, block_number, log_index, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          event.neighbourhood,
          int(event.interval, "interval"),
          event.commitment,
          event.batchKey,
          event.meterCount,
          int(event.importWh, "importWh"),
          int(event.exportWh, "exportWh"),
          int(event.localWh, "localWh"),
          ...where,
        );
        break;
      case "ChunkSettled":
        event.results.forEach((r, position) =>
          run(
            `INSERT INTO meter_intervals (neighbourhood, interval, number, chunk, position, import_wh, export_wh,
               contract_bought_wh, contract_sold_wh, pool_bought_wh, pool_sold_wh, debit, credit,
               block_number, log_index, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            event.neighbourhood,
            int(event.interval, "interval"),
            r.number,
            event.chunk,
            position,
            r.importWh,
            r.exportWh,
            r.contractBoughtWh,
            r.contractSoldWh,
            r.poolBoughtWh,
            r.poolSoldWh,
            int(r.debit, `results[${position}].debit`),
            int(r.credit, `results[${position}].credit`),
            ...where,
          ),
        );
        writeContractDeliveries(prepare, event);
        break;
      case "PowerContractOffered":
      case "PowerContractAccepted":
      case "PowerContractEnded":
        writePowerContractEvent(prepare, event, acceptedIn);
        break;
      case "MeterCorrected":
        run(
          `INSERT INTO corrections (block_number, log_index, neighbourhood, interval, number, import_wh, export_wh,
             debit, credit, change, reason, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          event.blockNumber,
          event.logIndex,
          event.neighbourhood,
          int(event.interval, "interval"),
          event.number,
          event.importWh,
          event.exportWh,
          int(event.debit, "debit"),
          int(event.credit, "credit"),
          int(event.change, "change"),
          event.reason,
          event.transactionHash,
        );
        break;
      case "TariffAnnounced": {
        const t = event.tariff;
        run(
          `INSERT INTO tariffs (neighbourhood, effective_from, grid_energy, grid_fee, local_grid_fee, electricity_tax,
             concession_fee, levies, feed_in_price, community_price, vat_basis_points,
             block_number, log_index, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          event.neighbourhood,
          int(event.effectiveFrom, "effectiveFrom"),
          int(t.gridEnergy, "tariff.gridEnergy"),
          int(t.gridFee, "tariff.gridFee"),
          int(t.localGridFee, "tariff.localGridFee"),
          int(t.electricityTax, "tariff.electricityTax"),
          int(t.concessionFee, "tariff.concessionFee"),
          int(t.levies, "tariff.levies"),
          int(t.feedInPrice, "tariff.feedInPrice"),
          int(t.communityPrice, "tariff.communityPrice"),
          t.vatBasisPoints,
          ...where,
        );
        break;
      }
      case "ToppedUp":
      case "PaidOut":
        run(
          `INSERT INTO credit_movements (block_number, log_index, account, kind, amount, repaid, transaction_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          event.blockNumber,
          event.logIndex,
          event.account,
          event.kind === "ToppedUp" ? "top-up" : "pay-out",
          int(event.amount, "amount"),
          event.kind === "ToppedUp" ? int(event.repaid, "repaid") : 0n,
          event.transactionHash,
        );
        break;
      case "CostCapCredited":
        run(
          `INSERT INTO cost_cap_credits (block_number, log_index, neighbourhood, month, number, paid, grid_only,
             credited, transaction_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          event.blockNumber,
          event.logIndex,
          event.neighbourhood,
          event.month,
          event.number,
          int(event.paid, "paid"),
          int(event.gridOnly, "gridOnly"),
          int(event.credited, "credited"),
          event.transactionHash,
        );
        break;
    }
  }
}

function expectOne({ changes }: { changes: number | bigint }, event: IndexedEvent): void {
  if (Number(changes) !== 1) {
    throw new ReadModelError(`${event.kind} names a meter the read model does not know`, {
      details: `block ${event.blockNumber}, log ${event.logIndex}`,
    });
  }
}
