import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_TARIFF } from "@nachbarstrom/core/demo";
import { settleInterval } from "@nachbarstrom/core/settlement";
import {
  FINE_PER_UNIT,
  PURCHASE_PARTS,
  SALE_PARTS,
  addMoney,
  comparisons,
  emptyMoneyTotals,
  feedInOnlyIncome,
  gridOnlyCost,
  intervalMoney,
  type SettledMeterInterval,
} from "./breakdown.ts";

const sum = (values: Iterable<bigint>) => [...values].reduce((a, b) => a + b, 0n);
const meter = "0x01" as const;

/** A neighbourhood interval settled by the reference settlement: two producers, three buyers, one contract. */
function settled(): SettledMeterInterval[] {
  const result = settleInterval({
    tariff: DEMO_TARIFF,
    meters: [
      { number: 1, importWh: 0n, exportWh: 900n },
      { number: 2, importWh: 333n, exportWh: 0n },
      { number: 3, importWh: 1_207n, exportWh: 0n },
      { number: 4, importWh: 17n, exportWh: 211n },
      { number: 5, importWh: 401n, exportWh: 0n },
    ],
    contracts: [{ id: 1n, seller: 4, buyer: 5, pricePerKwh: 223_457n, capWh: 150n }],
  });
  return result.meters.map((m) => ({ interval: 1n, meter, ...m }));
}

describe("intervalMoney", () => {
  it("splits a grid-only purchase into the tariff's components, exactly", () => {
    // 1 kWh from the grid at the demo tariff: 0.336210 € net, 19 % VAT, 0.40009 € gross.
    const row = { interval: 1n, meter, importWh: 1000n, exportWh: 0n, contractBoughtWh: 0n, contractSoldWh: 0n };
    const money = intervalMoney({ ...row, poolBoughtWh: 0n, poolSoldWh: 0n, debit: 400_089n, credit: 0n }, DEMO_TARIFF);
    const units = (fine: bigint) => fine / FINE_PER_UNIT;
    assert.equal(units(money.purchases.gridEnergy), 166_000n);
    assert.equal(units(money.purchases.gridFee), 110_000n);
    assert.equal(units(money.purchases.electricityTax), 20_500n);
    assert.equal(units(money.purchases.concessionFee), 13_200n);
    assert.equal(units(money.purchases.levies), 26_510n);
    assert.equal(money.purchases.vat, 336_210n * 1900n * 1000n);
    // 0.3362100 × 1.19 = 0.4000899 €; settlement charged 0.400089: 0.9 of a base unit rounded down.
    assert.equal(money.purchases.rounding, -9_000_000n);
    assert.equal(money.gridOnlyCost, 400_089n);
    assert.equal(money.purchases.contractEnergy, 0n);
  });

  it("adds up to every debit and credit of the reference settlement, to the base unit", () => {
    for (const row of settled()) {
      const money = intervalMoney(row, DEMO_TARIFF);
      assert.equal(
        sum(PURCHASE_PARTS.map((p) => money.purchases[p])),
        row.debit * FINE_PER_UNIT,
        `debit of ${row.debit}`,
      );
      assert.equal(sum(SALE_PARTS.map((p) => money.sales[p])), row.credit * FINE_PER_UNIT, `credit of ${row.credit}`);
      assert.ok(money.purchases.rounding <= 0n && money.purchases.rounding > -FINE_PER_UNIT, "rounding below a unit");
      assert.ok(money.sales.rounding <= 0n && money.sales.rounding > -FINE_PER_UNIT, "sale rounding below a unit");
    }
  });

  it("recovers the power contract's value to below a base unit", () => {
    const rows = settled();
    const buyer = intervalMoney(rows[4], DEMO_TARIFF);
    const seller = intervalMoney(rows[3], DEMO_TARIFF);
    const truth = 150n * 223_457n * 10_000n;
    assert.equal(rows[4].contractBoughtWh, 150n);
    assert.ok(buyer.purchases.contractEnergy <= truth && truth - buyer.purchases.contractEnergy < FINE_PER_UNIT);
    assert.ok(seller.sales.contractSales <= truth && truth - seller.sales.contractSales < FINE_PER_UNIT);
  });
});

describe("grid-only and feed-in-only comparisons", () => {
  it("prices import as the cost cap does and export at the feed-in price", () => {
    assert.equal(gridOnlyCost(333n, DEMO_TARIFF), (333n * 336_210n * 11_900n) / 10_000_000n);
    assert.equal(feedInOnlyIncome(900n, DEMO_TARIFF), 71_100n);
  });

  it("gives buyers a saving and producers extra income when they share locally", () => {
    const totals = settled().reduce((t, row) => addMoney(t, row, intervalMoney(row, DEMO_TARIFF)), emptyMoneyTotals());
    const { saving, extraIncome } = comparisons(totals);
    assert.equal(saving, totals.gridOnlyCost - totals.debit);
    assert.ok(saving > 0n, `saving ${saving}`);
    assert.ok(extraIncome > 0n, `extra income ${extraIncome}`);
    assert.equal(sum(PURCHASE_PARTS.map((p) => totals.purchases[p])), totals.debit * FINE_PER_UNIT);
  });
});
