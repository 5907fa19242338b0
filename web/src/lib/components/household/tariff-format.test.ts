import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { intervalOf } from "@nachbarstrom/core/units";
import { formatCentsPerKwh, formatEffectiveFrom, formatVat } from "./tariff-format.ts";

describe("tariff formatting", () => {
  it("prints micro-euro per kWh as cents per kWh, exactly", () => {
    assert.equal(formatCentsPerKwh(166_000n, "de"), "16,60");
    assert.equal(formatCentsPerKwh(26_510n, "en"), "2.651");
    assert.equal(formatVat(1900, "en"), "19%");
  });

  it("prints the day a tariff takes effect, with the time only when it is not midnight in Germany", () => {
    const newYear = intervalOf(Date.UTC(2026, 11, 31, 23) / 1000);
    assert.equal(formatEffectiveFrom(newYear, "en"), "1 Jan 2027");
    assert.equal(formatEffectiveFrom(newYear, "de"), "01.01.2027");
    assert.equal(formatEffectiveFrom(newYear + 1n, "en"), "1 Jan 2027, 00:15");
  });
});
