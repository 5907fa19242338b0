import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { commitReadings, neighbourhoodId } from "@nachbarstrom/core";
import { HOOD, K, METER_ID, MP, OTHER_HOOD, T0, reading, setupAggregator as setup } from "./test-fixtures.ts";

describe("aggregate: closing rules", () => {
  test("the first reading of a meter is its baseline and settles nothing", () => {
    const { add, batches } = setup();
    assert.equal(add(reading(MP.a, T0 + 10, 1000)).status, "baseline");
    assert.equal(add(reading(MP.b, T0 + 20, 500)).status, "baseline");
    assert.deepEqual(batches, []);
  });

  test("an interval closes once every meter has reported at or after its end", () => {
    const { add, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000, 50));
    add(reading(MP.b, T0 + 20, 500, 0));
    add(reading(MP.a, T0 + 400, 1100, 60));
    add(reading(MP.a, T0 + 890, 1200, 70));
    add(reading(MP.b, T0 + 880, 530, 0));
    add(reading(MP.a, T0 + 905, 1210, 70));
    assert.equal(batches.length, 0, "meter b has not reported past the end yet");
    add(reading(MP.b, T0 + 910, 531, 0));
    assert.equal(batches.length, 1);
    const [batch] = batches;
    assert.equal(batch.neighbourhood, HOOD);
    assert.equal(batch.neighbourhoodId, neighbourhoodId(HOOD));
    assert.equal(batch.interval, K);
    assert.equal(batch.closedBy, "complete");
    assert.deepEqual(batch.missing, []);
    // Last register at or before the end minus the baseline, sorted by meter id (b's id 0xaa… < a's 0xcc…).
    assert.deepEqual(batch.meters, [
      { meter: METER_ID[MP.b], importWh: 30n, exportWh: 0n },
      { meter: METER_ID[MP.a], importWh: 200n, exportWh: 20n },
    ]);
  });

  test("the commitment covers each meter's start register and the readings of the interval", () => {
    const { add, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 890, 1200));
    add(reading(MP.b, T0 + 880, 530));
    add(reading(MP.a, T0 + 905, 1210));
    add(reading(MP.b, T0 + 910, 531));
    const expected = [
      reading(MP.a, T0 + 10, 1000),
      reading(MP.a, T0 + 890, 1200),
      reading(MP.b, T0 + 20, 500),
      reading(MP.b, T0 + 880, 530),
    ];
    assert.deepEqual(batches[0].readings, expected);
    assert.equal(batches[0].commitment, commitReadings(expected));
  });

  test("a reading exactly at the end of an interval is its end register and closes it", () => {
    const { add, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 600, 1100));
    add(reading(MP.b, T0 + 600, 510));
    add(reading(MP.a, T0 + 900, 1150));
    assert.equal(batches.length, 0, "meter b has not reported the end of K yet");
    add(reading(MP.b, T0 + 900, 520));
    assert.equal(batches.length, 1, "the registers at the end of K close it: no reading after it is needed");
    assert.equal(batches[0].interval, K);
    assert.equal(batches[0].closedBy, "complete");
    // Up to and including the registers at 900 s: b 520 − 500, a 1150 − 1000.
    assert.deepEqual(
      batches[0].meters.map((m) => m.importWh),
      [20n, 150n],
    );
    assert.deepEqual(
      batches[0].readings.filter((r) => r.meteringPointId === MP.a).map((r) => r.unixSeconds),
      [T0 + 10, T0 + 600, T0 + 900],
    );
    add(reading(MP.a, T0 + 1800, 1300));
    add(reading(MP.b, T0 + 1800, 560));
    assert.equal(batches.length, 2);
    assert.equal(batches[1].interval, K + 1n);
    // From the registers at 900 s to those at 1800 s, the end of K+1.
    assert.deepEqual(
      batches[1].meters.map((m) => m.importWh),
      [40n, 150n],
    );
  });

  test("around a bound: one second before and at it is the interval, one second after is the next", () => {
    const { add, aggregator, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 899, 1100));
    add(reading(MP.b, T0 + 901, 600));
    assert.equal(batches.length, 0, "a has not reported the end of K");
    assert.equal(aggregator.openIntervals()[0].reported, 1, "b reported after the end of K");
    add(reading(MP.a, T0 + 900, 1110));
    assert.equal(batches.length, 1);
    // a: its register at the bound; b: it read nothing within K after its baseline.
    assert.deepEqual(batches[0].meters, [{ meter: METER_ID[MP.a], importWh: 110n, exportWh: 0n }]);
    assert.deepEqual(batches[0].missing, [MP.b]);
    assert.deepEqual(aggregator.openIntervals()[0]?.interval, K + 1n, "b's reading at 901 s is in K+1");
  });

  test("intervals without readings are skipped; the energy goes to the interval that has readings", () => {
    const { add, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 5 * 900 + 100, 1500));
    add(reading(MP.b, T0 + 5 * 900 + 100, 700));
    add(reading(MP.a, T0 + 6 * 900 + 1, 1600));
    add(reading(MP.b, T0 + 6 * 900 + 1, 800));
    assert.deepEqual(
      batches.map((b) => b.interval),
      [K + 5n],
    );
    assert.deepEqual(
      batches[0].meters.map((m) => m.importWh),
      [200n, 500n],
    );
  });

  test("neighbourhoods close independently", () => {
    const { add, batches } = setup();
    add(reading(MP.c, T0 + 10, 100));
    add(reading(MP.c, T0 + 500, 150));
    add(reading(MP.c, T0 + 901, 160));
    assert.equal(batches.length, 1);
    assert.equal(batches[0].neighbourhood, OTHER_HOOD);
    assert.deepEqual(batches[0].meters, [{ meter: METER_ID[MP.c], importWh: 50n, exportWh: 0n }]);
  });
});

describe("aggregate: gaps and the grace period", () => {
  test("a silent meter holds the interval open until the grace period has passed", () => {
    const { add, aggregator, clock, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 800, 1100));
    clock.advance(10);
    add(reading(MP.a, T0 + 901, 1110)); // first reading past the end: the grace period starts now
    assert.equal(aggregator.openIntervals()[0].reported, 1);
    clock.advance(59);
    assert.deepEqual(aggregator.tick(), []);
    clock.advance(1);
    batches.push(...aggregator.tick());
    assert.equal(batches.length, 1);
    assert.equal(batches[0].closedBy, "grace");
    assert.deepEqual(batches[0].missing, [MP.b]);
    assert.deepEqual(batches[0].meters, [{ meter: METER_ID[MP.a], importWh: 100n, exportWh: 0n }]);
  });

  test("a meter left out counts its energy into the next interval it is settled in", () => {
    const { add, aggregator, clock, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 800, 1100));
    add(reading(MP.b, T0 + 300, 540)); // b reports within K but not past its end
    add(reading(MP.a, T0 + 901, 1110));
    clock.advance(60);
    batches.push(...aggregator.tick());
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0].missing, [], "b reported within K, so it is settled in K");
    // Interval K+1: b is silent until late in K+2.
    add(reading(MP.a, T0 + 1700, 1200));
    add(reading(MP.a, T0 + 1801, 1210));
    clock.advance(60);
    batches.push(...aggregator.tick());
    assert.deepEqual(batches[1].missing, [MP.b]);
    add(reading(MP.b, T0 + 2600, 600));
    add(reading(MP.a, T0 + 2690, 1300));
    add(reading(MP.a, T0 + 2701, 1310));
    add(reading(MP.b, T0 + 2702, 601));
    assert.equal(batches.length, 3);
    assert.equal(batches[2].interval, K + 2n);
    // b: 600 at K+2 minus 540, its register at the end of K (its last settled interval).
    assert.deepEqual(batches[2].meters, [
      { meter: METER_ID[MP.b], importWh: 60n, exportWh: 0n },
      { meter: METER_ID[MP.a], importWh: 100n, exportWh: 0n },
    ]);
  });

  test("a reading exactly at the end starts the grace period", () => {
    const { add, aggregator, clock, batches } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.b, T0 + 20, 500));
    add(reading(MP.a, T0 + 800, 1100));
    assert.equal(aggregator.openIntervals()[0].closesAt, undefined);
    add(reading(MP.a, T0 + 900, 1120));
    assert.equal(aggregator.openIntervals()[0].reported, 1);
    clock.advance(60);
    batches.push(...aggregator.tick());
    assert.equal(batches.length, 1);
    assert.equal(batches[0].closedBy, "grace");
    assert.deepEqual(batches[0].meters, [{ meter: METER_ID[MP.a], importWh: 120n, exportWh: 0n }]);
  });

  test("the grace period is configurable", () => {
    const { add, aggregator, clock } = setup(5);
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.a, T0 + 800, 1100));
    add(reading(MP.a, T0 + 901, 1110));
    clock.advance(4);
    assert.deepEqual(aggregator.tick(), []);
    clock.advance(1);
    assert.equal(aggregator.tick().length, 1);
  });

  test("no grace period runs while no reading past the end has arrived", () => {
    const { add, aggregator, clock } = setup();
    add(reading(MP.a, T0 + 10, 1000));
    add(reading(MP.a, T0 + 800, 1100));
    clock.advance(3600);
    assert.deepEqual(aggregator.tick(), []);
    assert.equal(aggregator.openIntervals()[0].closesAt, undefined);
  });
});
