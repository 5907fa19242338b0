import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contractDeliveries } from "./contract-deliveries.ts";
import { settleInterval, type SettlementContract, type SettlementMeter } from "./settlement.ts";
import type { Tariff } from "./tariff.ts";

const TARIFF: Tariff = {
  gridEnergy: 300_000n,
  gridFee: 100_000n,
  localGridFee: 40_000n,
  electricityTax: 20_500n,
  concessionFee: 0n,
  levies: 0n,
  feedInPrice: 79_000n,
  communityPrice: 250_000n,
  vatBasisPoints: 1900,
};

const meters = (...list: [number, number, number][]): SettlementMeter[] =>
  list.map(([n, importWh, exportWh]) => ({ number: n, importWh: BigInt(importWh), exportWh: BigInt(exportWh) }));

const contract = (id: number, seller: number, buyer: number, capWh: number): SettlementContract => ({
  id: BigInt(id),
  seller,
  buyer,
  pricePerKwh: 220_000n,
  capWh: BigInt(capWh),
});

describe("contractDeliveries", () => {
  it("serves by seller then id, each up to its cap, the seller's rest and the buyer's need", () => {
    const deliveries = contractDeliveries({
      meters: meters([1, 0, 1000], [2, 600, 0], [3, 900, 0], [4, 50, 400]),
      // Given out of order: the seller with the lower number first, then the lower id.
      contracts: [contract(9, 1, 3, 900), contract(7, 4, 2, 500), contract(4, 1, 2, 300), contract(5, 4, 3, 500)],
    });
    assert.deepEqual(
      deliveries.map((d) => [d.id, d.wh]),
      [
        [4n, 300n], // its cap
        [9n, 700n], // what seller 1 has left
        [5n, 200n], // what buyer 3 still needs
        [7n, 200n], // seller 4's rest (400 − 200); buyer 2 still needs 300
      ],
    );
  });

  it("skips a contract whose buyer is not in the chunk, and one that delivers nothing", () => {
    const deliveries = contractDeliveries({
      meters: meters([1, 0, 1000], [2, 0, 0]),
      contracts: [contract(1, 1, 3, 100), contract(2, 1, 2, 100)],
    });
    assert.deepEqual(deliveries, []);
  });

  it("adds up, chunk by chunk, to what settleInterval books per meter", () => {
    const all = meters([1, 0, 1200], [2, 700, 0], [3, 300, 0], [4, 900, 500], [5, 400, 0], [6, 0, 300]);
    const contracts = [contract(3, 1, 2, 500), contract(8, 1, 3, 500), contract(5, 4, 5, 250), contract(6, 6, 4, 500)];
    const settled = settleInterval({
      tariff: TARIFF,
      meters: all,
      contracts,
      // Room for two meters per chunk: pairs joined by contracts stay together, the rest is cut.
      gas: { base: 0, perMeter: 10, perContract: 0, budget: 40 },
    });
    assert.ok(settled.chunks.length > 1, "the interval is cut into chunks");
    const bought = new Map<number, bigint>();
    const sold = new Map<number, bigint>();
    for (const chunk of settled.chunks) {
      for (const d of contractDeliveries({ meters: chunk, contracts })) {
        bought.set(d.buyer, (bought.get(d.buyer) ?? 0n) + d.wh);
        sold.set(d.seller, (sold.get(d.seller) ?? 0n) + d.wh);
      }
    }
    for (const m of settled.meters) {
      assert.equal(bought.get(m.number) ?? 0n, m.contractBoughtWh, `meter ${m.number} bought`);
      assert.equal(sold.get(m.number) ?? 0n, m.contractSoldWh, `meter ${m.number} sold`);
    }
    assert.ok(settled.meters.some((m) => m.contractBoughtWh > 0n));
  });
});
