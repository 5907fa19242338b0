import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_TARIFF } from "@nachbarstrom/core/demo";
import { settleInterval } from "@nachbarstrom/core/settlement";
import { priceAll, totalsOf } from "./priced.ts";
import type { OwnedMeterInterval } from "./queries.ts";
import { statementMoney, toCents } from "./statement-lines.ts";

const hood = `0x${"aa".repeat(32)}` as const;
const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

/** A month of one prosumer's meter (number 2) in a neighbourhood of three, settled by the reference. */
function month(): OwnedMeterInterval[] {
  const rows: OwnedMeterInterval[] = [];
  for (let i = 0n; i < 300n; i++) {
    const settled = settleInterval({
      tariff: DEMO_TARIFF,
      meters: [
        { number: 1, importWh: 0n, exportWh: 100n + ((i * 37n) % 400n) },
        { number: 2, importWh: 50n + ((i * 53n) % 300n), exportWh: (i * 11n) % 90n },
        { number: 3, importWh: 20n + ((i * 29n) % 250n), exportWh: 0n },
      ],
      contracts: [{ id: 1n, seller: 1, buyer: 2, pricePerKwh: 201_333n, capWh: 40n }],
    });
    const m = settled.meters[1];
    rows.push({ neighbourhood: hood, meter: hood, interval: 1000n + i, ...m });
  }
  return rows;
}

describe("statementMoney", () => {
  const totals = totalsOf(priceAll(month(), [{ neighbourhood: hood, effectiveFrom: 0n, tariff: DEMO_TARIFF }]));
  const money = statementMoney(totals, -12_345n, 1_005_000n);

  it("prints purchase lines that add up to what was paid, to the cent", () => {
    assert.equal(sum(money.purchases.lines.map((l) => l.cents)), money.purchases.totalCents);
    assert.equal(money.purchases.totalCents, toCents(totals.money.debit));
    assert.equal(money.purchases.exactTotal, totals.money.debit);
  });

  it("prints sale lines that add up to what was received, to the cent", () => {
    assert.equal(sum(money.sales.lines.map((l) => l.cents)), money.sales.totalCents);
    assert.equal(money.sales.totalCents, toCents(totals.money.credit));
  });

  it("prints a summary whose lines add up to the net, corrections and cost cap included", () => {
    assert.equal(sum(money.summary.lines.map((l) => l.cents)), money.summary.totalCents);
    assert.equal(money.summary.lines.find((l) => l.key === "corrections")?.cents, -1n);
    assert.equal(money.summary.lines.find((l) => l.key === "costCap")?.cents, 101n);
  });

  it("compares with grid-only supply and feed-in only in printed figures", () => {
    assert.equal(money.gridOnlyCents - money.purchases.totalCents, money.savingCents);
    assert.equal(money.sales.totalCents - money.feedInOnlyCents, money.extraIncomeCents);
    assert.ok(money.savingCents > 0n);
  });
});
