import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { createReadingStore } from "./reading-store.ts";
import { openStore } from "./store.ts";
import { HOOD, MP, T0, reading } from "./test-fixtures.ts";

async function setup() {
  const store = await openStore({ location: await testStoreLocation("bridge") });
  return { store, readings: createReadingStore(store.db) };
}

describe(`reading store (${testDialect})`, () => {
  test("a reading is found by neighbourhood, metering point and time, with its arrival time", async () => {
    const { store, readings } = await setup();
    const r = { ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 1234 };
    assert.deepEqual(await readings.insert(r), { status: "inserted" });
    assert.deepEqual(await readings.find(r), r);
    assert.equal(await readings.find({ ...r, unixSeconds: T0 + 11 }), undefined);
    assert.equal(await readings.find({ ...r, neighbourhood: "elsewhere" }), undefined);
    await store.close();
  });

  test("the primary key finds a duplicate; other registers at the same time are a conflict", async () => {
    const { store, readings } = await setup();
    await readings.insert({ ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 1 });
    assert.deepEqual(await readings.insert({ ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 2 }), {
      status: "duplicate",
    });
    const conflict = await readings.insert({ ...reading(MP.a, T0 + 10, 1001, 5), receivedAt: 3 });
    assert.equal(conflict.status, "conflict");
    assert.match(
      conflict.status === "conflict" ? conflict.reason : "",
      /^conflicts with the reading already received for .* \(importWh 1000, exportWh 5\)$/,
    );
    assert.equal((await readings.find(reading(MP.a, T0 + 10, 0)))?.importWh, 1000n, "the first reading stays");
    assert.equal((await readings.find(reading(MP.a, T0 + 10, 0)))?.receivedAt, 1);
    await store.close();
  });

  test("registers beyond 2^53 and the extremes survive as bigint", async () => {
    const { store, readings } = await setup();
    const big = { ...reading(MP.a, T0, 0), importWh: 2n ** 62n, exportWh: 0n, receivedAt: 0 };
    await readings.insert(big);
    assert.deepEqual(await readings.find(big), big);
    await store.close();
  });

  test("load() gives each meter's settled register and the readings after it, oldest first", async () => {
    const { store, readings } = await setup();
    for (const [t, wh] of [
      [T0 + 10, 1000],
      [T0 + 500, 1100],
      [T0 + 950, 1200],
      [T0 + 920, 1150],
    ]) {
      await readings.insert({ ...reading(MP.a, t, wh), receivedAt: t });
    }
    await readings.insert({ ...reading(MP.b, T0 + 30, 7), receivedAt: 0 }); // no state: not loaded
    await readings.setSettled(reading(MP.a, T0 + 500, 0));
    await readings.setClosedUntil(HOOD, T0 + 900);
    const snapshot = await readings.load();
    assert.deepEqual([...snapshot.closedUntil], [[HOOD, T0 + 900]]);
    assert.equal(snapshot.meters.length, 1);
    assert.equal(snapshot.meters[0].settled.unixSeconds, T0 + 500);
    assert.deepEqual(
      snapshot.meters[0].pending.map((r) => r.unixSeconds),
      [T0 + 920, T0 + 950],
    );
    await store.close();
  });

  test("a settled register must be a stored reading", async () => {
    const { store, readings } = await setup();
    await assert.rejects(readings.setSettled(reading(MP.a, T0, 0)), /FOREIGN KEY|foreign key/);
    await store.close();
  });

  test("two processes storing the same reading at once: one stores it, the other finds a duplicate", async () => {
    const location = await testStoreLocation("bridge");
    const [one, two] = [await openStore({ location }), await openStore({ location })];
    const r = { ...reading(MP.a, T0 + 10, 1000, 5), receivedAt: 1 };
    const results = await Promise.all([one, two].map((store) => createReadingStore(store.db).insert(r)));
    assert.deepEqual(results.map((result) => result.status).sort(), ["duplicate", "inserted"]);
    await Promise.all([one.close(), two.close()]);
  });
});
