import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { billingMonthOf, firstIntervalOf, monthClosedBy, nextBillingMonth } from "./billing-month.ts";

const berlin = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit" });
/** yyyymm of an instant in Berlin, from the IANA time zone database. */
const reference = (unixSeconds: number) => {
  const parts = Object.fromEntries(berlin.formatToParts(new Date(unixSeconds * 1000)).map((p) => [p.type, p.value]));
  return Number(parts.year) * 100 + Number(parts.month);
};

describe("billingMonthOf", () => {
  it("agrees with Europe/Berlin for 20,000 random intervals from 2000 to 2099", () => {
    let state = 7;
    for (let k = 0; k < 20_000; k++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const interval = 1_052_256 + Math.floor((state / 2147483648) * 3_506_000); // 2000-01-01 … 2099
      assert.equal(billingMonthOf(BigInt(interval)), reference(interval * 900), `interval ${interval}`);
    }
  });

  it("puts the quarter hours around every month's start and the clock changes into the right month", () => {
    for (let month = 202401; month <= 202812; month = nextBillingMonth(month)) {
      const first = firstIntervalOf(month);
      assert.equal(billingMonthOf(first), month, `first interval of ${month}`);
      assert.equal(billingMonthOf(first - 1n), reference(Number(first - 1n) * 900), `last interval before ${month}`);
      assert.notEqual(billingMonthOf(first - 1n), month);
    }
  });

  it("counts the month after December as January of the next year", () => {
    assert.equal(nextBillingMonth(202612), 202701);
    assert.equal(nextBillingMonth(202611), 202612);
  });

  it("closes the previous month with the first interval of a month, and no month otherwise", () => {
    const first = firstIntervalOf(202612);
    assert.equal(monthClosedBy(first), 202611);
    assert.equal(monthClosedBy(first + 1n), undefined);
    assert.equal(monthClosedBy(first - 1n), undefined);
    assert.equal(monthClosedBy(firstIntervalOf(202701)), 202612);
  });
});
