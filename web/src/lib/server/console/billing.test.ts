import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ReadModelDb } from "../read-model/store.ts";
import { BILLING_COLUMNS, billingCsv, csvEuro } from "./billing-csv.ts";
import { billingRows } from "./billing.ts";
import {
  ALICE,
  BOB,
  addCorrection,
  addCostCap,
  addMeter,
  addMeterResult,
  fixtureDb,
  meterId,
} from "./fixture.test-helper.ts";
import { monthIntervals } from "./params.ts";

describe("billing export", () => {
  let db: ReadModelDb;
  let done: () => Promise<void>;
  const march = monthIntervals(202603);
  beforeEach(async () => {
    ({ db, done } = await fixtureDb());
    await addMeter(db, { number: 1, owner: ALICE });
    await addMeter(db, { number: 2, owner: BOB });
    await addMeter(db, { number: 3, owner: BOB });
  });
  afterEach(() => done());

  it("adds up each household's month (accounts in lower-case order), counting corrected figures and the cost cap, and nothing outside the month", async () => {
    // Alice sells to Bob's meter 2 by contract and to the pool; Bob's meter 3 buys from the pool.
    await addMeterResult(db, {
      interval: march.from,
      number: 1,
      block: 10,
      importWh: 10,
      exportWh: 300,
      contractSold: 100,
      poolSold: 150,
      credit: 60_000,
    });
    await addMeterResult(db, {
      interval: march.from,
      number: 2,
      block: 10,
      importWh: 200,
      contractBought: 100,
      debit: 70_000,
    });
    await addMeterResult(db, {
      interval: march.from,
      number: 3,
      block: 10,
      importWh: 400,
      poolBought: 150,
      debit: 120_000,
    });
    await addMeterResult(db, { interval: march.to - 1n, number: 1, block: 11, importWh: 5, debit: 2_000 });
    // Outside the month: ignored.
    await addMeterResult(db, { interval: march.from - 1n, number: 1, block: 9, importWh: 999, debit: 999_999 });
    await addMeterResult(db, { interval: march.to, number: 2, block: 12, importWh: 999, debit: 999_999 });
    // Meter 3 is corrected twice: the newest counts (more import from the grid).
    await addCorrection(db, {
      interval: march.from,
      number: 3,
      block: 20,
      importWh: 450,
      exportWh: 0,
      debit: 140_000,
      credit: 0,
      change: -20_000,
    });
    await addCorrection(db, {
      interval: march.from,
      number: 3,
      block: 21,
      importWh: 500,
      exportWh: 0,
      debit: 160_000,
      credit: 0,
      change: -20_000,
    });
    // The cost cap credited meter 3 twice for March: 5,000 in total.
    await addCostCap(db, { month: 202603, number: 3, credited: 3_000, block: 30 });
    await addCostCap(db, { month: 202603, number: 3, credited: 5_000, block: 31 });
    await addCostCap(db, { month: 202602, number: 2, credited: 7_777, block: 32 });

    const rows = await billingRows(db, 202603);
    assert.deepEqual(
      rows.map((r) => ({ ...r, meters: r.meters.length })),
      [
        {
          month: 202603,
          account: BOB,
          meters: 2,
          fromGridWh: 100n + 350n,
          contractBoughtWh: 100n,
          poolBoughtWh: 150n,
          contractSoldWh: 0n,
          poolSoldWh: 0n,
          toGridWh: 0n,
          debit: 230_000n,
          credit: 0n,
          costCapCredit: 5_000n,
          net: -225_000n,
        },
        {
          month: 202603,
          account: ALICE,
          meters: 1,
          fromGridWh: 15n,
          contractBoughtWh: 0n,
          poolBoughtWh: 0n,
          contractSoldWh: 100n,
          poolSoldWh: 150n,
          toGridWh: 50n,
          debit: 2_000n,
          credit: 60_000n,
          costCapCredit: 0n,
          net: 58_000n,
        },
      ],
    );
    assert.deepEqual(rows[0].meters, [meterId(2), meterId(3)]);
    // What moved between households and treasury for March: settlement (credit − debit), corrections' changes, cost cap.
    const treasuryChange = -(60_000 - 2_000 - 70_000 - 120_000) + 20_000 + 20_000 - 5_000;
    assert.equal(
      rows.reduce((sum, r) => sum + r.net, 0n),
      BigInt(-treasuryChange),
    );
  });

  it("writes CSV with a header, exact euros with a dot, and CRLF lines", async () => {
    await addMeterResult(db, { interval: march.from, number: 2, block: 10, importWh: 200, debit: 1_234_567 });
    const csv = billingCsv(await billingRows(db, 202603));
    const lines = csv.split("\r\n");
    assert.equal(lines[0], BILLING_COLUMNS.join(","));
    assert.equal(lines[1], `2026-03,${BOB},${meterId(2)},200,0,0,0,0,0,1.234567,0.000000,-1.234567,0.000000`);
    assert.equal(lines[2], "");
    assert.equal(lines.length, 3);
    assert.equal(csvEuro(-5n), "-0.000005");
    assert.equal(billingCsv([]), `${BILLING_COLUMNS.join(",")}\r\n`);
  });
});
