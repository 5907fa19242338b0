import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ReadModelDb } from "../read-model/store.ts";
import {
  ALICE,
  BOB,
  HOOD_A,
  HOOD_B,
  addCorrection,
  addInterval,
  addMeter,
  addMeterResult,
  addNeighbourhood,
  fixtureDb,
  tx,
} from "./fixture.test-helper.ts";
import { intervalDetail } from "./interval-detail.ts";
import { INTERVAL_PAGE_SIZE, monitorPage, neighbourhoodIds } from "./intervals.ts";

describe("interval monitor", () => {
  let db: ReadModelDb;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ db, done } = await fixtureDb());
    await addNeighbourhood(db, HOOD_A, 1);
    await addNeighbourhood(db, HOOD_B, 2);
    await addMeter(db, { number: 1, owner: ALICE, block: 3 });
    await addMeter(db, { number: 2, owner: BOB, block: 3 });
    await addMeter(db, { number: 3, owner: BOB, block: 50 }); // registered after the first intervals
    await addMeter(db, { hood: HOOD_B, number: 1, owner: BOB, block: 3 });
  });
  afterEach(() => done());

  it("lists intervals newest first with meters reporting vs registered, chunk transactions and corrections", async () => {
    await addInterval(db, { interval: 100n, block: 10, meterCount: 2, importWh: 300, exportWh: 200, localWh: 150 });
    await addMeterResult(db, { interval: 100n, number: 1, block: 9 });
    await addMeterResult(db, { interval: 100n, number: 2, block: 10 });
    await addInterval(db, { interval: 101n, block: 60, meterCount: 1 });
    await addMeterResult(db, { interval: 101n, number: 1, block: 60 });
    await addInterval(db, { hood: HOOD_B, interval: 100n, block: 11, meterCount: 1 });
    await addCorrection(db, {
      interval: 100n,
      number: 2,
      block: 70,
      importWh: 1,
      exportWh: 0,
      debit: 1,
      credit: 0,
      change: -1,
    });
    await addCorrection(db, {
      interval: 100n,
      number: 2,
      block: 71,
      importWh: 2,
      exportWh: 0,
      debit: 2,
      credit: 0,
      change: -1,
    });

    const { rows, hasNext } = await monitorPage(db, { page: 1 });
    assert.equal(hasNext, false);
    assert.deepEqual(
      rows.map((r) => [r.neighbourhood, r.interval, r.meterCount, r.registeredCount, r.corrections]),
      [
        [HOOD_A, 101n, 1, 3, 0],
        [HOOD_B, 100n, 1, 1, 0],
        [HOOD_A, 100n, 2, 2, 2],
      ],
    );
    assert.deepEqual(rows[2].transactions, [tx(9), tx(10)]);
    assert.deepEqual([rows[2].importWh, rows[2].exportWh, rows[2].localWh], [300n, 200n, 150n]);

    assert.deepEqual(
      (await monitorPage(db, { page: 1, neighbourhood: HOOD_B })).rows.map((r) => r.interval),
      [100n],
    );
    assert.deepEqual(
      (await monitorPage(db, { page: 1, from: 101n, to: 102n })).rows.map((r) => r.interval),
      [101n],
    );
    assert.deepEqual(await neighbourhoodIds(db), [HOOD_A, HOOD_B]);
  });

  it("pages by INTERVAL_PAGE_SIZE and says whether an older page exists", async () => {
    for (let i = 0; i < INTERVAL_PAGE_SIZE + 3; i++)
      await addInterval(db, { interval: BigInt(1000 + i), block: 10 + i, meterCount: 0 });
    const first = await monitorPage(db, { page: 1 });
    assert.equal(first.rows.length, INTERVAL_PAGE_SIZE);
    assert.equal(first.hasNext, true);
    assert.equal(first.rows[0].interval, BigInt(1000 + INTERVAL_PAGE_SIZE + 2));
    const second = await monitorPage(db, { page: 2 });
    assert.deepEqual(
      second.rows.map((r) => r.interval),
      [1002n, 1001n, 1000n],
    );
    assert.equal(second.hasNext, false);
  });

  it("details one interval: per-meter results and its corrections in chain order", async () => {
    await addInterval(db, { interval: 100n, block: 10, meterCount: 2 });
    await addMeterResult(db, { interval: 100n, number: 2, block: 10, importWh: 50, poolBought: 20, debit: 900 });
    await addMeterResult(db, { interval: 100n, number: 1, block: 10, exportWh: 40, poolSold: 20, credit: 500 });
    await addCorrection(db, {
      interval: 100n,
      number: 2,
      block: 70,
      importWh: 80,
      exportWh: 0,
      debit: 1500,
      credit: 0,
      change: -600,
      reason: "replacement value from the meter operator",
    });
    const detail = await intervalDetail(db, HOOD_A, 100n);
    assert.ok(detail);
    assert.deepEqual(
      detail.meters.map((m) => [m.number, m.owner, m.debit, m.credit]),
      [
        [1, ALICE, 0n, 500n],
        [2, BOB, 900n, 0n],
      ],
    );
    assert.deepEqual(
      detail.corrections.map((c) => [c.number, c.change, c.reason]),
      [[2, -600n, "replacement value from the meter operator"]],
    );
    assert.equal(await intervalDetail(db, HOOD_A, 99n), undefined);
  });
});
