import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toDecimalString } from "./decimal.ts";
import { formatEuro, roundUnits, shownNet } from "./money.ts";

const nbsp = "\u00a0";

describe("toDecimalString", () => {
  it("writes base units as an exact decimal", () => {
    assert.equal(toDecimalString(1_005_000n, 6), "1.005000");
    assert.equal(toDecimalString(-42n, 6), "-0.000042");
    assert.equal(toDecimalString(0n, 3), "0.000");
    assert.equal(toDecimalString(12n, 0), "12");
  });
});

describe("formatEuro", () => {
  it("formats euros in German and English", () => {
    assert.equal(formatEuro(50_000_000n, "de"), `50,00${nbsp}€`);
    assert.equal(formatEuro(50_000_000n, "en"), "€50.00");
    assert.equal(formatEuro(1_234_567_890_000n, "de"), `1.234.567,89${nbsp}€`);
    assert.equal(formatEuro(1_234_567_890_000n, "en"), "€1,234,567.89");
  });

  it("rounds half away from zero without floating-point error", () => {
    // 1.005 is 1.00499999… as a double; the exact decimal rounds up.
    assert.equal(formatEuro(1_005_000n, "de"), `1,01${nbsp}€`);
    assert.equal(formatEuro(-1_005_000n, "en"), "-€1.01");
    assert.equal(formatEuro(4_999n, "en"), "€0.00");
  });

  it("keeps amounts beyond 2^53 exact", () => {
    assert.equal(formatEuro(9_007_199_254_740_993_000_000n, "en"), "€9,007,199,254,740,993.00");
  });

  it("never shows a negative zero", () => {
    assert.equal(formatEuro(-4_000n, "de"), `0,00${nbsp}€`);
    assert.equal(formatEuro(-4_000n, "de", { signed: true }), `0,00${nbsp}€`);
  });

  it("signs net amounts on request and shows more decimals on request", () => {
    assert.equal(formatEuro(2_500_000n, "de", { signed: true }), `+2,50${nbsp}€`);
    assert.equal(formatEuro(-2_500_000n, "en", { signed: true }), "-€2.50");
    assert.equal(formatEuro(39_500n, "de", { fractionDigits: 4 }), `0,0395${nbsp}€`);
    assert.equal(formatEuro(47_750n, "en", { fractionDigits: 4 }), "€0.0478");
    assert.equal(formatEuro(1_000_000n, "en", { fractionDigits: 4 }), "€1.0000");
  });
});

describe("roundUnits", () => {
  it("rounds base units half away from zero to euro decimals", () => {
    assert.equal(roundUnits(47_750n, 4), 47_800n);
    assert.equal(roundUnits(47_749n, 4), 47_700n);
    assert.equal(roundUnits(-47_750n, 4), -47_800n);
    assert.equal(roundUnits(1_005_000n, 2), 1_010_000n);
    assert.equal(roundUnits(123n, 6), 123n);
  });

  it("refuses impossible precisions", () => {
    assert.throws(() => roundUnits(1n, 7), RangeError);
    assert.throws(() => roundUnits(1n, -1), RangeError);
  });
});

describe("shownNet", () => {
  it("makes a row's rounded figures add up", () => {
    // debit 0.04775 → 0.0478, credit 0.092147 → 0.0921; the exact net 0.044397 would show 0.0444.
    assert.equal(shownNet(47_750n, 92_147n, 4), 44_300n);
    assert.equal(formatEuro(shownNet(47_750n, 92_147n, 4), "en", { fractionDigits: 4, signed: true }), "+€0.0443");
  });
});
