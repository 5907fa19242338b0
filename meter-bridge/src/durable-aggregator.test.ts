import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { neighbourhoodId, type Reading } from "@nachbarstrom/core";
import { createAggregator, type IntervalBatch } from "./aggregate.ts";
import { indexDirectory } from "./directory.ts";
import { createDurableAggregator } from "./durable-aggregator.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import { createReadingStore } from "./reading-store.ts";
import { sql } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { openStore, type Store } from "./store.ts";
import {
  DIRECTORY,
  HOOD,
  K,
  METER_ID,
  MP,
  OTHER_HOOD,
  T0,
  fakeClock,
  fourIntervalsOfReadings,
  reading,
} from "./test-fixtures.ts";

const directory = indexDirectory(DIRECTORY);

/** A bridge "process": its own connection to the database. Dropping it without close() is a crash. */
async function start(location: string, clock = fakeClock(), graceSeconds = 60) {
  const store = await openStore({ location });
  const aggregator = await createDurableAggregator({ store, directory, graceSeconds, now: clock.now });
  const batches: IntervalBatch[] = [];
  const add = async (r: Reading) => {
    const result = await aggregator.add(r);
    batches.push(...result.batches);
    return result;
  };
  return { store, aggregator, batches, add, clock };
}

/** Makes every insert into readings fail as a full disk would. */
async function fillDisk(store: Store): Promise<void> {
  if (store.dialect === "sqlite") {
    await sql`CREATE TRIGGER disk_full BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`.execute(
      store.db,
    );
    return;
  }
  await sql`CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'database or disk is full'; END $$`.execute(store.db);
  await sql`CREATE TRIGGER disk_full BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION full_disk()`.execute(
    store.db,
  );
}

describe(`durable aggregator (${testDialect})`, () => {
  test("addAll stores a group in one commit with the same results as add, one by one, repeats included", async () => {
    const readings = fourIntervalsOfReadings();
    const withRepeats = [...readings.slice(0, 10), readings[3], ...readings.slice(10), readings[12]];
    const oneByOne = await start(await testStoreLocation("bridge"));
    const expected = [];
    for (const r of withRepeats) expected.push(await oneByOne.aggregator.add(r));
    const grouped = await start(await testStoreLocation("bridge"));
    const results = [
      ...(await grouped.aggregator.addAll(withRepeats.slice(0, 7))),
      ...(await grouped.aggregator.addAll(withRepeats.slice(7))),
    ];
    assert.deepEqual(results, expected);
    assert.deepEqual(
      results.map((r) => r.status).filter((s) => s === "duplicate"),
      ["duplicate", "duplicate"],
      "a repeat within a group and across groups",
    );
    // A new process on the same file carries on from what the groups stored.
    const location = grouped.store.location;
    assert.deepEqual((await start(location)).aggregator.openIntervals(), oneByOne.aggregator.openIntervals());
  });

  test("after a crash in the middle of an interval it carries on and closes the same batches", async () => {
    const file = await testStoreLocation("bridge");
    const readings = fourIntervalsOfReadings();
    const reference = createAggregator({ directory, graceSeconds: 60 });
    const expected = readings.flatMap((r) => reference.add(r).batches);

    const first = await start(file);
    for (const r of readings.slice(0, 16)) await first.add(r); // stops inside K+1; K has closed
    const second = await start(file); // the first is dropped without closing
    for (const r of readings.slice(16)) await second.add(r);
    assert.deepEqual([...first.batches, ...second.batches], expected);
    assert.deepEqual(
      await second.aggregator.outbox.counts(),
      { pending: 8, submitted: 0, confirmed: 0, "already-settled": 0, failed: 0 },
      "every batch went into the outbox with its interval's closing",
    );
  });

  test("a restart sets no new baseline: the energy since the last settled register is settled", async () => {
    const file = await testStoreLocation("bridge");
    const first = await start(file);
    await first.add(reading(MP.c, T0 + 10, 100));
    await first.add(reading(MP.c, T0 + 500, 150));
    await first.add(reading(MP.c, T0 + 901, 160)); // closes K: 150 − 100
    await first.add(reading(MP.c, T0 + 1200, 190)); // open in K+1 at the crash
    const second = await start(file);
    await second.add(reading(MP.c, T0 + 1801, 230)); // closes K+1: 190 − 150
    assert.deepEqual(
      [...first.batches, ...second.batches].map((b) => [b.interval, b.meters[0].importWh]),
      [
        [K, 50n],
        [K + 1n, 40n],
      ],
    );
    const snapshot = await createReadingStore(second.store.db).load();
    const c = snapshot.meters.find((m) => m.settled.meteringPointId === MP.c);
    assert.equal(c?.settled.unixSeconds, T0 + 1200, "the register at the end of the last closed interval");
    assert.deepEqual(
      c?.pending.map((r) => r.unixSeconds),
      [T0 + 1801],
    );
  });

  test("after a restart a repeat is a duplicate, a conflict and a late reading are rejected", async () => {
    const file = await testStoreLocation("bridge");
    const first = await start(file);
    await first.add(reading(MP.c, T0 + 10, 100));
    await first.add(reading(MP.c, T0 + 500, 150));
    await first.add(reading(MP.c, T0 + 901, 160));
    const second = await start(file);
    assert.equal((await second.add(reading(MP.c, T0 + 10, 100))).status, "duplicate", "long after its interval closed");
    assert.equal((await second.add(reading(MP.c, T0 + 901, 160))).status, "duplicate");
    const conflict = await second.add(reading(MP.c, T0 + 901, 161));
    assert.equal(conflict.status, "rejected");
    assert.match(conflict.status === "rejected" ? conflict.reason : "", /^conflicts with the reading already received/);
    const late = await second.add(reading(MP.c, T0 + 600, 155));
    assert.equal(late.status, "rejected");
    assert.match(
      late.status === "rejected" ? late.reason : "",
      new RegExp(`^late: .* interval ${K}, which has closed`),
    );
  });

  test("after a restart the register at the end of the closed interval is a duplicate or late", async () => {
    const file = await testStoreLocation("bridge");
    const first = await start(file);
    await first.add(reading(MP.c, T0 + 10, 100));
    await first.add(reading(MP.c, T0 + 500, 150));
    await first.add(reading(MP.c, T0 + 900, 160)); // the end register of K: closes K
    assert.deepEqual(
      first.batches.map((b) => [b.interval, b.meters[0].importWh]),
      [[K, 60n]],
    );
    const second = await start(file);
    assert.equal((await second.add(reading(MP.c, T0 + 900, 160))).status, "duplicate");
    const conflict = await second.add(reading(MP.c, T0 + 900, 161));
    assert.match(conflict.status === "rejected" ? conflict.reason : "", /^conflicts with the reading already received/);
    const late = await second.add(reading(MP.c, T0 + 899, 158));
    assert.match(
      late.status === "rejected" ? late.reason : "",
      new RegExp(`^late: .* interval ${K}, which has closed`),
    );
    assert.equal((await second.add(reading(MP.c, T0 + 901, 161))).status, "accepted");
    assert.equal((await second.add(reading(MP.c, T0 + 1800, 170))).status, "accepted");
    assert.deepEqual(
      second.batches.map((b) => [b.interval, b.meters[0].importWh]),
      [[K + 1n, 10n]],
    );
  });

  test("the grace period counts from the stored arrival, across a restart", async () => {
    const file = await testStoreLocation("bridge");
    const clock = fakeClock();
    const first = await start(file, clock);
    await first.add(reading(MP.a, T0 + 10, 1000));
    await first.add(reading(MP.b, T0 + 20, 500));
    await first.add(reading(MP.a, T0 + 800, 1100));
    await first.add(reading(MP.a, T0 + 901, 1110)); // the grace period starts now
    clock.advance(45);
    const second = await start(file, clock);
    assert.equal(second.aggregator.openIntervals()[0].closesAt, clock.now() + 15_000);
    clock.advance(15);
    const closed = await second.aggregator.tick();
    assert.deepEqual(
      closed.map((b) => [b.closedBy, b.missing]),
      [["grace", [MP.b]]],
    );
    assert.equal((await second.aggregator.outbox.get(HOOD, K))?.status, "pending");
  });

  test("when the closing transaction fails, nothing of it is kept and memory follows the database", async () => {
    const file = await testStoreLocation("bridge");
    const bridge = await start(file);
    await bridge.add(reading(MP.c, T0 + 10, 100));
    await bridge.add(reading(MP.c, T0 + 500, 150));
    // Another batch for K is in the outbox already, so closing K must fail.
    await bridge.aggregator.outbox.enqueue({
      neighbourhood: OTHER_HOOD,
      neighbourhoodId: neighbourhoodId(OTHER_HOOD),
      interval: K,
      commitment: `0x${"01".repeat(32)}`,
      meters: [],
      readings: [],
      closedBy: "complete",
      missing: [],
    });
    const closing = reading(MP.c, T0 + 901, 160);
    await assert.rejects(bridge.add(closing), OutboxStateError);
    const readings = createReadingStore(bridge.store.db);
    assert.equal(await readings.find(closing), undefined, "the reading that closed K was not kept");
    assert.equal((await readings.load()).closedUntil.size, 0);
    assert.equal(bridge.aggregator.openIntervals()[0].interval, K, "K is open again in memory");
    await bridge.store.db.deleteFrom("outbox").execute();
    assert.equal((await bridge.add(closing)).batches.length, 1);
    assert.deepEqual(bridge.batches[0].meters, [{ meter: METER_ID[MP.c], importWh: 50n, exportWh: 0n }]);
  });

  test("a database failure is a BridgeStoreError, and the reading counts as never received", async () => {
    const bridge = await start(await testStoreLocation("bridge"));
    await bridge.add(reading(MP.c, T0 + 10, 100));
    await fillDisk(bridge.store);
    await assert.rejects(
      bridge.add(reading(MP.c, T0 + 500, 150)),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "The bridge database could not be written" &&
        error.details === "database or disk is full",
    );
    await sql`DROP TRIGGER disk_full${sql.raw(bridge.store.dialect === "postgres" ? " ON readings" : "")}`.execute(
      bridge.store.db,
    );
    assert.equal((await bridge.add(reading(MP.c, T0 + 500, 150))).status, "accepted", "not taken for a duplicate");
  });

  test("calls made at once run one after the other, with the results of calls made in turn", async () => {
    const readings = fourIntervalsOfReadings();
    const inTurn = await start(await testStoreLocation("bridge"));
    const expected = [];
    for (const r of readings) expected.push(await inTurn.aggregator.add(r));
    const atOnce = await start(await testStoreLocation("bridge"));
    assert.deepEqual(await Promise.all(readings.map((r) => atOnce.aggregator.add(r))), expected);
    assert.deepEqual(await atOnce.aggregator.outbox.counts(), await inTurn.aggregator.outbox.counts());
  });
});

describe(`durable aggregator among several bridge processes (${testDialect})`, () => {
  /** A process holding `held`; its fence fails while `fenced` is set. */
  async function processHolding(location: string, held: string[], instance: string, state = { fenced: false }) {
    const store = await openStore({ location });
    const aggregator = await createDurableAggregator({
      store,
      directory,
      graceSeconds: 60,
      now: fakeClock().now,
      cluster: {
        instance,
        neighbourhoods: new Set(held),
        fence: async () => {
          if (state.fenced) throw new BridgeStoreError(`${instance} no longer holds it`);
        },
      },
    });
    return { store, aggregator, state };
  }
  const relayCount = async (store: Store) =>
    Number(
      (
        await store.db
          .selectFrom("relay")
          .select((eb) => eb.fn.countAll<bigint>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test("readings of a neighbourhood held elsewhere are relayed; its holder closes the same batches as one process", async () => {
    const readings = fourIntervalsOfReadings().filter((r) => r.neighbourhood === HOOD);
    const alone = await start(await testStoreLocation("bridge"));
    for (const r of readings) await alone.add(r);

    const location = await testStoreLocation("bridge");
    const decoder = await processHolding(location, [OTHER_HOOD], "a");
    const holder = await processHolding(location, [HOOD], "b");
    const results = await decoder.aggregator.addAll(readings);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set(["relayed"]));
    assert.equal(await relayCount(decoder.store), readings.length);
    // A repeat of a relayed reading is relayed again; the holder finds it a duplicate.
    await decoder.aggregator.add(readings[0]);

    // The fence says the holder lost the neighbourhood: nothing is closed, the relay keeps everything.
    holder.state.fenced = true;
    await assert.rejects(holder.aggregator.takeRelayed(), /no longer holds it/);
    assert.equal(await relayCount(holder.store), readings.length + 1);

    holder.state.fenced = false;
    const taken = await holder.aggregator.takeRelayed();
    assert.equal(taken.length, readings.length + 1);
    assert.deepEqual(
      taken.flatMap(({ result }) => result.batches).map((b) => [b.interval, b.commitment]),
      alone.batches.map((b) => [b.interval, b.commitment]),
    );
    assert.equal(taken.at(-1)?.result.status, "duplicate");
    assert.equal(await relayCount(holder.store), 0);
    assert.deepEqual(await holder.aggregator.takeRelayed(), []);
    await Promise.all([alone.store.close(), decoder.store.close(), holder.store.close()]);
  });
});
