import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dayOf, dayRange, monthOfDay, monthParam, monthRange, parseDay, parseMonth, shiftDay } from "./calendar.ts";

const at = (iso: string) => BigInt(Date.parse(iso) / 900_000);

describe("German local days", () => {
  it("has 96 intervals on an ordinary day, 92 and 100 when the clocks change", () => {
    const len = (day: string) => Number(dayRange(day).to - dayRange(day).from);
    assert.equal(len("2026-06-10"), 96);
    assert.equal(len("2026-03-29"), 92);
    assert.equal(len("2026-10-25"), 100);
  });

  it("starts a day at local midnight", () => {
    assert.equal(dayRange("2026-01-15").from, at("2026-01-14T23:00:00Z"));
    assert.equal(dayRange("2026-07-15").from, at("2026-07-14T22:00:00Z"));
    assert.equal(dayOf(at("2026-07-14T22:00:00Z")), "2026-07-15");
    assert.equal(dayOf(at("2026-07-14T21:45:00Z")), "2026-07-14");
  });

  it("parses only real days and months", () => {
    assert.equal(parseDay("2026-02-28"), "2026-02-28");
    assert.equal(parseDay("2026-02-30"), undefined);
    assert.equal(parseDay("26-02-01"), undefined);
    assert.equal(parseMonth("2026-12"), 202612);
    assert.equal(parseMonth("2026-13"), undefined);
    assert.equal(parseMonth("2026-1"), undefined);
    assert.equal(monthParam(202603), "2026-03");
    assert.equal(shiftDay("2026-03-01", -1), "2026-02-28");
  });

  it("cuts months at German midnight", () => {
    assert.equal(monthRange(202604).from, at("2026-03-31T22:00:00Z"));
    assert.equal(monthRange(202603).to, monthRange(202604).from);
    assert.equal(monthOfDay("2026-04-01"), 202604);
  });
});
