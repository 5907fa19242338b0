import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatKwh, formatKwhNumber } from "./energy.ts";

describe("formatKwh", () => {
  it("shows Wh as kWh with three decimals per locale", () => {
    assert.equal(formatKwhNumber(1_234n, "de"), "1,234");
    assert.equal(formatKwhNumber(1_234n, "en"), "1.234");
    assert.equal(formatKwhNumber(1_234_567n, "de"), "1.234,567");
    assert.equal(formatKwhNumber(1_234_567n, "en"), "1,234.567");
    assert.equal(formatKwhNumber(0n, "de"), "0,000");
    assert.equal(formatKwhNumber(7n, "en"), "0.007");
  });

  it("keeps the unit next to the number", () => {
    assert.equal(formatKwh(500n, "de"), "0,500\u00a0kWh");
    assert.equal(formatKwh(500n, "en"), "0.500\u00a0kWh");
  });
});
