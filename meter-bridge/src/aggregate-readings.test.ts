import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOOD, K, METER_ID, MP, T0, reading, setupAggregator as setup } from "./test-fixtures.ts";

describe("aggregate: bad and repeated readings", () => {
  test("a repeated reading (same time, same registers) is ignored, also after its interval closed", () => {
    const { add, batches } = setup();
    add(reading(MP.c, T0 + 10, 100));
    assert.equal(add(reading(MP.c, T0 + 10, 100)).status, "duplicate");
    add(reading(MP.c, T0 + 500, 150));
    assert.equal(add(reading(MP.c, T0 + 500, 150)).status, "duplicate");
    add(reading(MP.c, T0 + 901, 160));
    assert.equal(add(reading(MP.c, T0 + 500, 150)).status, "duplicate");
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0].meters[0], { meter: METER_ID[MP.c], importWh: 50n, exportWh: 0n });
  });

  test("a different reading for a time already received is rejected as a conflict", () => {
    const { add } = setup();
    add(reading(MP.c, T0 + 10, 100));
    add(reading(MP.c, T0 + 500, 150));
    const result = add(reading(MP.c, T0 + 500, 151));
    assert.equal(result.status, "rejected");
    assert.match(result.status === "rejected" ? result.reason : "", /conflicts with the reading already received/);
  });

  test("a decreasing register is rejected with a reason naming the register and values", () => {
    const { add } = setup();
    add(reading(MP.c, T0 + 10, 100, 20));
    const result = add(reading(MP.c, T0 + 500, 150, 19));
    assert.equal(result.status, "rejected");
    assert.equal(
      result.status === "rejected" ? result.reason : "",
      `exportWh decreased: 19 Wh at ${iso(T0 + 500)} is below 20 Wh at ${iso(T0 + 10)}`,
    );
  });

  test("a reading that fits between earlier ones is accepted out of order within the open interval", () => {
    const { add, batches } = setup();
    add(reading(MP.c, T0 + 10, 100));
    add(reading(MP.c, T0 + 800, 180));
    assert.equal(add(reading(MP.c, T0 + 400, 140)).status, "accepted");
    const late = add(reading(MP.c, T0 + 600, 190));
    assert.equal(late.status, "rejected", "above the later reading");
    add(reading(MP.c, T0 + 901, 181));
    assert.deepEqual(
      batches[0].readings.map((r) => r.unixSeconds),
      [T0 + 10, T0 + 400, T0 + 800],
    );
    assert.equal(batches[0].meters[0].importWh, 80n);
  });

  test("readings older than the closed point are rejected", () => {
    const { add } = setup();
    add(reading(MP.c, T0 + 10, 100));
    add(reading(MP.c, T0 + 500, 150));
    add(reading(MP.c, T0 + 901, 160));
    const late = add(reading(MP.c, T0 + 700, 155));
    assert.equal(late.status, "rejected");
    assert.match(
      late.status === "rejected" ? late.reason : "",
      new RegExp(`^late: .* interval ${K}, which has closed`),
    );
    const beforeBaseline = add(reading(MP.c, T0 + 5, 90));
    assert.equal(beforeBaseline.status, "rejected");
  });

  test("a reading at or before the end of the last closed interval is late, unless it repeats one", () => {
    const { add, batches } = setup();
    add(reading(MP.c, T0 + 10, 100));
    add(reading(MP.c, T0 + 500, 150));
    add(reading(MP.c, T0 + 900, 160));
    assert.equal(batches.length, 1, "the register at the end of K closes K");
    assert.equal(add(reading(MP.c, T0 + 900, 160)).status, "duplicate", "the end register, delivered again");
    for (const t of [T0 + 899, T0 + 900]) {
      const late = add(reading(MP.c, t, 158));
      assert.equal(late.status, "rejected", `at ${iso(t)}`);
      assert.equal(
        late.status === "rejected" ? late.reason : "",
        `late: ${iso(t)} belongs to interval ${K}, which has closed (readings are accepted after ${iso(T0 + 900)})`,
      );
    }
    assert.equal(add(reading(MP.c, T0 + 901, 170)).status, "accepted", "one second after the bound is K+1");
  });

  test("a reading older than the meter's baseline is rejected as out of order", () => {
    const { add } = setup();
    add(reading(MP.c, T0 + 100, 100));
    const result = add(reading(MP.c, T0 + 50, 90));
    assert.equal(result.status, "rejected");
    assert.match(result.status === "rejected" ? result.reason : "", /^out of order: /);
  });

  test("unknown metering points and neighbourhoods are rejected", () => {
    const { add } = setup();
    const meter = add(reading("DE-NOT-REGISTERED", T0, 1, 0, HOOD));
    assert.deepEqual(meter, {
      status: "rejected",
      reason: `unknown metering point "DE-NOT-REGISTERED": it is not registered in neighbourhood "${HOOD}"`,
      batches: [],
    });
    const hood = add(reading(MP.a, T0, 1, 0, "elsewhere"));
    assert.equal(hood.status, "rejected");
    assert.match(hood.status === "rejected" ? hood.reason : "", /unknown neighbourhood "elsewhere"/);
    // A meter of another neighbourhood is unknown here.
    assert.equal(add(reading(MP.c, T0, 1, 0, HOOD)).status, "rejected");
  });
});

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}
