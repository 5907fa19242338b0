import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { billingMonthOf } from "@nachbarstrom/core/billing-month";
import {
  ConsoleParameterError,
  dayIntervals,
  monthIntervals,
  monthText,
  parseInterval,
  parseMonth,
  parseNeighbourhood,
  parsePage,
} from "./params.ts";

describe("console parameters", () => {
  it("reads a month and gives its German-time intervals", () => {
    assert.equal(parseMonth("2026-03"), 202603);
    assert.equal(monthText(202603), "2026-03");
    const { from, to } = monthIntervals(202603);
    assert.equal(billingMonthOf(from), 202603);
    assert.equal(billingMonthOf(from - 1n), 202602);
    assert.equal(billingMonthOf(to - 1n), 202603);
    assert.equal(billingMonthOf(to), 202604);
    // March 2026 loses an hour at the switch to summer time.
    assert.equal(to - from, 31n * 96n - 4n);
  });

  it("gives a German day's intervals, 92 on the day summer time starts and 100 when it ends", () => {
    const plain = dayIntervals("2026-03-10");
    assert.equal(plain.to - plain.from, 96n);
    // 10 March 2026 00:00 CET is 9 March 23:00 UTC.
    assert.equal(plain.from, BigInt(Date.UTC(2026, 2, 9, 23) / 900_000));
    const spring = dayIntervals("2026-03-29");
    assert.equal(spring.to - spring.from, 92n);
    const autumn = dayIntervals("2026-10-25");
    assert.equal(autumn.to - autumn.from, 100n);
    assert.equal(autumn.from, BigInt(Date.UTC(2026, 9, 24, 22) / 900_000));
  });

  it("refuses malformed values, naming the field and the value", () => {
    for (const [parse, value, field] of [
      [parseMonth, "2026-13", "month"],
      [parseMonth, "March", "month"],
      [dayIntervals, "2026-02-30", "date"],
      [parseNeighbourhood, "0x12", "neighbourhood"],
      [parseInterval, "-1", "interval"],
      [parsePage, "0", "page"],
    ] as const) {
      assert.throws(
        () => (parse as (v: string) => unknown)(value),
        (e: unknown) =>
          e instanceof ConsoleParameterError && e.field === field && e.details.includes(JSON.stringify(value)),
      );
    }
    assert.equal(parsePage(null), 1);
    assert.equal(parseNeighbourhood(`0x${"AB".repeat(32)}`), `0x${"ab".repeat(32)}`);
  });
});
