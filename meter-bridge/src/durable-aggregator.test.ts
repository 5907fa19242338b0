import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { neighbourhoodId, type Reading } from "@nachbarstrom/core";
import { createAggregator, type IntervalBatch } from "./aggregate.ts";
import { indexDirectory } from "./directory.ts";
import { createDurableAggregator } from "./durable-aggregator.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import { createReadingStore } from "./reading-store.ts";
import { openStore } from "./store.ts";
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
  tempDir,
} from "./test-fixtures.ts";

const directory = indexDirectory(DIRECTORY);

/** A bridge "process": its own connection to the file. Dropping it without close() is a crash. */
function start(file: string, clock = fakeClock(), graceSeconds = 60) {
  const store = openStore({ file });
  const aggregator = createDurableAggregator({ store, directory, graceSeconds, now: clock.now });
  const batches: IntervalBatch[] = [];
  const add = (r: Reading) => {
    const result = aggregator.add(r);
    batches.push(...result.batches);
    return result;
  };
  return { store, aggregator, batches, add, clock };
}

describe("durable aggregator", () => {
  test("addAll stores a group in one commit with the same results as add, one by one, repeats included", () => {
    const readings = fourIntervalsOfReadings();
    const withRepeats = [...readings.slice(0, 10), readings[3], ...readings.slice(10), readings[12]];
    const oneByOne = start(join(tempDir(), "bridge.db"));
    const expected = withRepeats.map((r) => oneByOne.aggregator.add(r));
    const grouped = start(join(tempDir(), "bridge.db"));
    const results = [
      ...grouped.aggregator.addAll(withRepeats.slice(0, 7)),
      ...grouped.aggregator.addAll(withRepeats.slice(7)),
    ];
    assert.deepEqual(results, expected);
    assert.deepEqual(
      results.map((r) => r.status).filter((s) => s === "duplicate"),
      ["duplicate", "duplicate"],
      "a repeat within a group and across groups",
    );
    // A new process on the same file carries on from what the groups stored.
    assert.deepEqual(start(grouped.store.file).aggregator.openIntervals(), oneByOne.aggregator.openIntervals());
  });

  test("after a crash in the middle of an interval it carries on and closes the same batches", () => {
    const file = join(tempDir(), "bridge.db");
    const readings = fourIntervalsOfReadings();
    const reference = createAggregator({ directory, graceSeconds: 60 });
    const expected = readings.flatMap((r) => reference.add(r).batches);

    const first = start(file);
    readings.slice(0, 16).forEach(first.add); // stops inside K+1; K has closed
    const second = start(file); // the first is dropped without closing
    readings.slice(16).forEach(second.add);
    assert.deepEqual([...first.batches, ...second.batches], expected);
    assert.deepEqual(
      second.aggregator.outbox.counts(),
      { pending: 8, submitted: 0, confirmed: 0, "already-settled": 0, failed: 0 },
      "every batch went into the outbox with its interval's closing",
    );
  });

  test("a restart sets no new baseline: the energy since the last settled register is settled", () => {
    const file = join(tempDir(), "bridge.db");
    const first = start(file);
    first.add(reading(MP.c, T0 + 10, 100));
    first.add(reading(MP.c, T0 + 500, 150));
    first.add(reading(MP.c, T0 + 901, 160)); // closes K: 150 − 100
    first.add(reading(MP.c, T0 + 1200, 190)); // open in K+1 at the crash
    const second = start(file);
    second.add(reading(MP.c, T0 + 1801, 230)); // closes K+1: 190 − 150
    assert.deepEqual(
      [...first.batches, ...second.batches].map((b) => [b.interval, b.meters[0].importWh]),
      [
        [K, 50n],
        [K + 1n, 40n],
      ],
    );
    const snapshot = createReadingStore(second.store).load();
    const c = snapshot.meters.find((m) => m.settled.meteringPointId === MP.c);
    assert.equal(c?.settled.unixSeconds, T0 + 1200, "the register at the end of the last closed interval");
    assert.deepEqual(
      c?.pending.map((r) => r.unixSeconds),
      [T0 + 1801],
    );
  });

  test("after a restart a repeat is a duplicate, a conflict and a late reading are rejected", () => {
    const file = join(tempDir(), "bridge.db");
    const first = start(file);
    first.add(reading(MP.c, T0 + 10, 100));
    first.add(reading(MP.c, T0 + 500, 150));
    first.add(reading(MP.c, T0 + 901, 160));
    const second = start(file);
    assert.equal(second.add(reading(MP.c, T0 + 10, 100)).status, "duplicate", "long after its interval closed");
    assert.equal(second.add(reading(MP.c, T0 + 901, 160)).status, "duplicate");
    const conflict = second.add(reading(MP.c, T0 + 901, 161));
    assert.equal(conflict.status, "rejected");
    assert.match(conflict.status === "rejected" ? conflict.reason : "", /^conflicts with the reading already received/);
    const late = second.add(reading(MP.c, T0 + 600, 155));
    assert.equal(late.status, "rejected");
    assert.match(
      late.status === "rejected" ? late.reason : "",
      new RegExp(`^late: .* interval ${K}, which has closed`),
    );
  });

  test("after a restart the register at the end of the closed interval is a duplicate or late", () => {
    const file = join(tempDir(), "bridge.db");
    const first = start(file);
    first.add(reading(MP.c, T0 + 10, 100));
    first.add(reading(MP.c, T0 + 500, 150));
    first.add(reading(MP.c, T0 + 900, 160)); // the end register of K: closes K
    assert.deepEqual(
      first.batches.map((b) => [b.interval, b.meters[0].importWh]),
      [[K, 60n]],
    );
    const second = start(file);
    assert.equal(second.add(reading(MP.c, T0 + 900, 160)).status, "duplicate");
    const conflict = second.add(reading(MP.c, T0 + 900, 161));
    assert.match(conflict.status === "rejected" ? conflict.reason : "", /^conflicts with the reading already received/);
    const late = second.add(reading(MP.c, T0 + 899, 158));
    assert.match(
      late.status === "rejected" ? late.reason : "",
      new RegExp(`^late: .* interval ${K}, which has closed`),
    );
    assert.equal(second.add(reading(MP.c, T0 + 901, 161)).status, "accepted");
    assert.equal(second.add(reading(MP.c, T0 + 1800, 170)).status, "accepted");
    assert.deepEqual(
      second.batches.map((b) => [b.interval, b.meters[0].importWh]),
      [[K + 1n, 10n]],
    );
  });

  test("the grace period counts from the stored arrival, across a restart", () => {
    const file = join(tempDir(), "bridge.db");
    const clock = fakeClock();
    const first = start(file, clock);
    first.add(reading(MP.a, T0 + 10, 1000));
    first.add(reading(MP.b, T0 + 20, 500));
    first.add(reading(MP.a, T0 + 800, 1100));
    first.add(reading(MP.a, T0 + 901, 1110)); // the grace period starts now
    clock.advance(45);
    const second = start(file, clock);
    assert.equal(second.aggregator.openIntervals()[0].closesAt, clock.now() + 15_000);
    clock.advance(15);
    const closed = second.aggregator.tick();
    assert.deepEqual(
      closed.map((b) => [b.closedBy, b.missing]),
      [["grace", [MP.b]]],
    );
    assert.equal(second.aggregator.outbox.get(HOOD, K)?.status, "pending");
  });

  test("when the closing transaction fails, nothing of it is kept and memory follows the database", () => {
    const file = join(tempDir(), "bridge.db");
    const bridge = start(file);
    bridge.add(reading(MP.c, T0 + 10, 100));
    bridge.add(reading(MP.c, T0 + 500, 150));
    // Another batch for K is in the outbox already, so closing K must fail.
    bridge.aggregator.outbox.enqueue({
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
    assert.throws(() => bridge.add(closing), OutboxStateError);
    const readings = createReadingStore(bridge.store);
    assert.equal(readings.find(closing), undefined, "the reading that closed K was not kept");
    assert.equal(readings.load().closedUntil.size, 0);
    assert.equal(bridge.aggregator.openIntervals()[0].interval, K, "K is open again in memory");
    bridge.store.db.prepare("DELETE FROM outbox").run();
    assert.equal(bridge.add(closing).batches.length, 1);
    assert.deepEqual(bridge.batches[0].meters, [{ meter: METER_ID[MP.c], importWh: 50n, exportWh: 0n }]);
  });

  test("a database failure is a BridgeStoreError, and the reading counts as never received", () => {
    const bridge = start(join(tempDir(), "bridge.db"));
    bridge.add(reading(MP.c, T0 + 10, 100));
    bridge.store.db.exec(
      "CREATE TRIGGER full BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    assert.throws(
      () => bridge.add(reading(MP.c, T0 + 500, 150)),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "The bridge database could not be written" &&
        error.details === "database or disk is full",
    );
    bridge.store.db.exec("DROP TRIGGER full");
    assert.equal(bridge.add(reading(MP.c, T0 + 500, 150)).status, "accepted", "not taken for a duplicate");
  });
});
