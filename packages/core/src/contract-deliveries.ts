import type { NumberedEnergy } from "./packed.ts";
import { contractOrder, serveContracts, type SettlementContract } from "./settlement.ts";
import type { WattHours } from "./units.ts";

export type ContractDeliveriesParameters = {
  /** The meters of one settled chunk with their metered energy (ChunkSettled's results will do). */
  meters: readonly NumberedEnergy[];
  /** The contracts active and valid for the chunk's interval, in any order. */
  contracts: readonly SettlementContract[];
};

/** What one power contract delivered in one chunk. */
export type ContractDelivery = { id: bigint; seller: number; buyer: number; wh: WattHours };

export type ContractDeliveriesReturnType = ContractDelivery[];

/**
 * What each power contract delivered in one settled chunk. No event says so (ChunkSettled carries only
 * each meter's sum), so it is worked out again with the settlement twin's own delivery step: contracts
 * whose two meters are in the chunk, by seller then id, each up to min(cap, seller's remaining export,
 * buyer's remaining import). Contracts that delivered nothing are left out; the order is serving order.
 */
export function contractDeliveries({ meters, contracts }: ContractDeliveriesParameters): ContractDeliveriesReturnType {
  const chunk = meters.map((m) => ({ number: m.number, remainingImport: m.importWh, remainingExport: m.exportWh }));
  const deliveries: ContractDelivery[] = [];
  serveContracts(chunk, contractOrder(contracts), (c, _seller, _buyer, wh) =>
    deliveries.push({ id: c.id, seller: c.seller, buyer: c.buyer, wh }),
  );
  return deliveries;
}
