import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import { sortByMeter } from "./settlement-inputs.ts";
import { settleInterval, type SettlementMeter } from "./settlement.ts";
import type { Tariff } from "./tariff.ts";

const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

/** Grid 40 ct (30 energy + 10 fee), pool 25 ct, feed-in 7.9 ct; no local fees, no VAT. */
const SIMPLE: Tariff = {
  gridEnergy: 300_000n,
  gridFee: 100_000n,
  localGridFee: 0n,
  electricityTax: 0n,
  concessionFee: 0n,
  levies: 0n,
  feedInPrice: 79_000n,
  communityPrice: 250_000n,
  vatBasisPoints: 0,
};

/** A budget that fits one meter, or one pair joined by a contract, per chunk. */
const ONE_METER_PER_CHUNK = { base: 0, perMeter: 10, perContract: 0, budget: 20 };

const meters = (...list: [number, number, number][]): SettlementMeter[] =>
  list.map(([n, importWh, exportWh]) => ({ number: n, importWh: BigInt(importWh), exportWh: BigInt(exportWh) }));

describe("settleInterval", () => {
  it("shares the pool pro rata and prices the rest at grid and feed-in tariffs", () => {
    const result = settleInterval({ tariff: SIMPLE, meters: meters([3, 900, 0], [1, 0, 1000], [2, 600, 0]) });
    assert.deepEqual(result.totals, {
      poolDemandWh: 1500n,
      poolSupplyWh: 1000n,
      poolBoughtWh: 1000n,
      shareWeightTotal: 0n,
    });
    assert.deepEqual(
      result.meters.map((m) => [m.number, m.poolBoughtWh, m.poolSoldWh, m.debit, m.credit]),
      [
        [1, 0n, 1000n, 0n, 250_000n],
        [2, 400n, 0n, 180_000n, 0n],
        [3, 600n, 0n, 270_000n, 0n],
      ],
    );
  });

  it("serves power contracts first, by seller then id, each up to min(cap, seller's export, buyer's import)", () => {
    const result = settleInterval({
      tariff: SIMPLE,
      meters: meters([1, 0, 1000], [2, 600, 0], [3, 900, 0]),
      contracts: [
        { id: 9n, seller: 1, buyer: 3, pricePerKwh: 100_000n, capWh: 900n },
        { id: 4n, seller: 1, buyer: 2, pricePerKwh: 200_000n, capWh: 300n },
      ],
    });
    const [seller, buyer2, buyer3] = result.meters;
    assert.equal(buyer2.contractBoughtWh, 300n, "contract 4 first: its cap");
    assert.equal(buyer3.contractBoughtWh, 700n, "contract 9 gets what the seller has left");
    assert.equal(seller.contractSoldWh, 1000n);
    assert.equal(seller.credit, (300n * 200_000n + 700n * 100_000n) / 1000n);
    assert.equal(result.totals.poolSupplyWh, 0n, "nothing left for the pool");
  });

  it("keeps a contract's meters in one chunk however small the chunks", () => {
    const result = settleInterval({
      tariff: SIMPLE,
      meters: meters([1, 0, 1000], [2, 0, 0], [3, 600, 0]),
      contracts: [{ id: 1n, seller: 1, buyer: 3, pricePerKwh: 200_000n, capWh: 300n }],
      gas: ONE_METER_PER_CHUNK,
    });
    assert.deepEqual(
      result.chunks.map((chunk) => chunk.map((m) => m.number)),
      [[1, 3], [2]],
    );
    assert.equal(result.meters[2].contractBoughtWh, 300n);
    assert.equal(result.meters[2].poolBoughtWh, 300n);
  });

  it("keeps a buyer above its price limit and a seller below its minimum out of the pool", () => {
    const list = meters([1, 0, 1000], [2, 600, 0], [3, 900, 0], [4, 0, 500]);
    list[1].maxBuyPrice = 249_999n;
    list[3].minSellPrice = 250_001n;
    const result = settleInterval({ tariff: SIMPLE, meters: list });
    assert.equal(result.meters[1].poolBoughtWh, 0n);
    assert.equal(result.meters[1].debit, 240_000n, "600 Wh at the grid price");
    assert.equal(result.meters[3].poolSoldWh, 0n);
    assert.equal(result.meters[3].credit, 39_500n, "500 Wh at feed-in");
    assert.deepEqual(result.totals, {
      poolDemandWh: 900n,
      poolSupplyWh: 1000n,
      poolBoughtWh: 900n,
      shareWeightTotal: 0n,
    });
  });

  it("shares the supply by static shares; what a buyer does not need goes to the grid", () => {
    const list = meters([1, 0, 1200], [2, 100, 0], [3, 900, 0]);
    list[0].shareWeight = 1;
    list[1].shareWeight = 1;
    list[2].shareWeight = 2;
    const result = settleInterval({ tariff: SIMPLE, meters: list, allocationKey: "staticShares" });
    // Supply 1200 by weights 1:1:2 → 300, 300, 600; meter 2 needs only 100.
    assert.equal(result.meters[1].poolBoughtWh, 100n);
    assert.equal(result.meters[2].poolBoughtWh, 600n);
    assert.equal(result.meters[0].poolSoldWh, 700n);
    assert.equal(result.meters[2].debit, (600n * 250_000n + 300n * 400_000n) / 1000n);
  });

  it("shares by cumulative rounding, so the Wh add up exactly", () => {
    // 1000 Wh shared among three equal buyers: rounding each share down would give 333 each.
    const result = settleInterval({
      tariff: SIMPLE,
      meters: meters([1, 500, 0], [2, 500, 0], [3, 500, 0], [4, 0, 1000]),
    });
    assert.deepEqual(
      result.meters.slice(0, 3).map((m) => m.poolBoughtWh),
      [333n, 333n, 334n],
    );
    assert.equal(result.meters[3].poolSoldWh, 1000n);
  });

  it("adds VAT to what households buy and rounds down once per meter", () => {
    const tariff = { ...SIMPLE, vatBasisPoints: 1900, gridEnergy: 300_001n };
    const result = settleInterval({ tariff, meters: meters([1, 1, 0]) });
    assert.equal(result.meters[0].debit, (400_001n * 11_900n) / 10_000_000n);
  });

  for (let seed = 1; seed <= 300; seed++) {
    it(`conserves energy per meter and between sellers and buyers (random interval ${seed})`, () => {
      let state = seed;
      const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
      const size = 1 + (seed % 30);
      const list: SettlementMeter[] = Array.from({ length: size }, (_, i) => ({
        number: 1000 - i * 7,
        importWh: next() < 0.3 ? 0n : BigInt(Math.floor(next() * 10_000)),
        exportWh: next() < 0.5 ? 0n : BigInt(Math.floor(next() * 10_000)),
        maxBuyPrice: next() < 0.2 ? BigInt(Math.floor(next() * 400_000)) : 0n,
        shareWeight: 1 + Math.floor(next() * 4),
      }));
      const contracts = Array.from({ length: seed % 4 }, (_, k) => ({
        id: BigInt(k + 1),
        seller: list[Math.floor(next() * size)].number,
        buyer: list[Math.floor(next() * size)].number,
        pricePerKwh: 150_000n,
        capWh: BigInt(Math.floor(next() * 2000)),
      })).filter((c) => c.seller !== c.buyer);
      const allocationKey = seed % 2 === 0 ? "proRata" : "staticShares";
      const result = settleInterval({
        tariff: SIMPLE,
        meters: list,
        contracts,
        allocationKey,
        gas: { base: 0, perMeter: 1, perContract: 0, budget: 4 + (seed % 7) },
      });
      let contractBought = 0n;
      let contractSold = 0n;
      let poolBought = 0n;
      let poolSold = 0n;
      for (const m of result.meters) {
        assert.ok(m.contractBoughtWh + m.poolBoughtWh <= m.importWh, "bought within import");
        assert.ok(m.contractSoldWh + m.poolSoldWh <= m.exportWh, "sold within export");
        contractBought += m.contractBoughtWh;
        contractSold += m.contractSoldWh;
        poolBought += m.poolBoughtWh;
        poolSold += m.poolSoldWh;
      }
      assert.equal(contractBought, contractSold, "every contract Wh bought was sold");
      assert.equal(poolBought, result.totals.poolBoughtWh, "header matches the buyers' pool energy");
      assert.equal(poolSold, poolBought, "every pool Wh bought was sold: the rounding leaves no gap");
      if (allocationKey === "proRata") {
        const local =
          result.totals.poolDemandWh < result.totals.poolSupplyWh
            ? result.totals.poolDemandWh
            : result.totals.poolSupplyWh;
        assert.equal(poolBought, local, "pro rata hands out exactly min(demand, supply)");
      }
    });
  }
});

describe("sortByMeter", () => {
  it("orders by the numeric value of the id, as the contract requires", () => {
    assert.deepEqual(
      sortByMeter([{ meter: id(255) }, { meter: id(16) }, { meter: id(17) }]).map((m) => m.meter),
      [id(16), id(17), id(255)],
    );
  });
});
