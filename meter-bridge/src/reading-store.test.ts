import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createReadingStore } from "./reading-store.ts";
import { openStore } from "./store.ts";
import { HOOD, MP, T0, reading } from "./test-fixtures.ts";

function setup() {
  const store = openStore({ file: ":memory:" });
  return { store, readings: createReadingStore(store) };
}

describe("reading store", () => {
  test("a reading is found by neighbourhood, metering point and time, with its arrival time", () => {
    const { store, readings } = setup();
    const r = { ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 1234 };
    assert.deepEqual(readings.insert(r), { status: "inserted" });
    assert.deepEqual(readings.find(r), r);
    assert.equal(readings.find({ ...r, unixSeconds: T0 + 11 }), undefined);
    assert.equal(readings.find({ ...r, neighbourhood: "elsewhere" }), undefined);
    store.close();
  });

  test("the primary key finds a duplicate; other registers at the same time are a conflict", () => {
    const { store, readings } = setup();
    readings.insert({ ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 1 });
    assert.deepEqual(readings.insert({ ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 2 }), { status: "duplicate" });
    const conflict = readings.insert({ ...reading(MP.a, T0 + 10, 1001, 5), receivedAt: 3 });
    assert.equal(conflict.status, "conflict");
    assert.match(
      conflict.status === "conflict" ? conflict.reason : "",
      /^conflicts with the reading already received for .* \(importWh 1000, exportWh 5\)$/,
    );
    assert.equal(readings.find(reading(MP.a, T0 + 10, 0))?.importWh, 1000n, "the first reading stays");
    assert.equal(readings.find(reading(MP.a, T0 + 10, 0))?.receivedAt, 1);
    store.close();
  });

  test("registers beyond 2^53 and the extremes survive as bigint", () => {
    const { store, readings } = setup();
    const big = { ...reading(MP.a, T0, 0), importWh: 2n ** 62n, exportWh: 0n, receivedAt: 0 };
    readings.insert(big);
    assert.deepEqual(readings.find(big), big);
    store.close();
  });

  test("load() gives each meter's settled register and the readings after it, oldest first", () => {
    const { store, readings } = setup();
    for (const [t, wh] of [
      [T0 + 10, 1000],
      [T0 + 500, 1100],
      [T0 + 950, 1200],
      [T0 + 920, 1150],
    ]) {
      readings.insert({ ...reading(MP.a, t, wh), receivedAt: t });
    }
    readings.insert({ ...reading(MP.b, T0 + 30, 7), receivedAt: 0 }); // no state: not loaded
    readings.setSettled(reading(MP.a, T0 + 500, 0));
    readings.setClosedUntil(HOOD, T0 + 900);
    const snapshot = readings.load();
    assert.deepEqual([...snapshot.closedUntil], [[HOOD, T0 + 900]]);
    assert.equal(snapshot.meters.length, 1);
    assert.equal(snapshot.meters[0].settled.unixSeconds, T0 + 500);
    assert.deepEqual(
      snapshot.meters[0].pending.map((r) => r.unixSeconds),
      [T0 + 920, T0 + 950],
    );
    store.close();
  });

  test("a settled register must be a stored reading", () => {
    const { store, readings } = setup();
    assert.throws(() => readings.setSettled(reading(MP.a, T0, 0)), /FOREIGN KEY/);
    store.close();
  });
});
