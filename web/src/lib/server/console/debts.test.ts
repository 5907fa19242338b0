import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ReadModelDb } from "../read-model/store.ts";
import { debtRows, debtSince, moneyEvents } from "./debts.ts";
import { ALICE, BOB, addCorrection, addMeter, addMeterResult, addTopUp, fixtureDb } from "./fixture.test-helper.ts";

describe("debts", () => {
  let db: ReadModelDb;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ db, done } = await fixtureDb());
    await addMeter(db, { number: 1, owner: ALICE });
    await addMeter(db, { number: 2, owner: BOB });
  });
  afterEach(() => done());

  it("finds the interval after which the position last fell below zero", async () => {
    await addTopUp(db, BOB, 1_000, 5);
    await addMeterResult(db, { interval: 100n, number: 2, block: 10, debit: 800 });
    await addMeterResult(db, { interval: 101n, number: 2, block: 11, debit: 300 }); // −100: in debt
    await addTopUp(db, BOB, 500, 12); // +400: out again
    await addMeterResult(db, { interval: 102n, number: 2, block: 13, debit: 450 }); // −50
    await addCorrection(db, {
      interval: 102n,
      number: 2,
      block: 14,
      importWh: 1,
      exportWh: 0,
      debit: 460,
      credit: 0,
      change: -10,
    });
    const events = await moneyEvents(db, BOB);
    assert.deepEqual(
      events.map((e) => e.amount),
      [1_000n, -800n, -300n, 500n, -450n, -10n],
    );
    assert.equal(debtSince(events, -60n), 102n);
    // The read model does not add up to the chain's position: not derivable.
    assert.equal(debtSince(events, -61n), undefined);
    assert.deepEqual(await moneyEvents(db, ALICE), []);
  });

  it("keeps only negative positions, largest debt first", async () => {
    const rows = debtRows(
      [
        { account: ALICE, meters: [], position: -5n },
        { account: BOB, meters: [], position: -50n },
        { account: "0x0000000000000000000000000000000000000C0C", meters: [], position: 10n },
      ],
      () => [{ amount: -5n, interval: 7n }],
    );
    assert.deepEqual(
      rows.map((r) => [r.account, r.debt, r.since]),
      [
        [BOB, 50n, undefined],
        [ALICE, 5n, 7n],
      ],
    );
  });
});
