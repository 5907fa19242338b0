import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_PREFERENCE_PRICE, parseCentsPerKwh, parseKwh, UINT32_MAX, valueAt } from "./amounts.ts";

describe("contract amounts", () => {
  it("reads ct/kWh exactly, with a comma or a dot, up to the limit", () => {
    assert.equal(parseCentsPerKwh("22", UINT32_MAX), 220_000n);
    assert.equal(parseCentsPerKwh(" 22,5 ", UINT32_MAX), 225_000n);
    assert.equal(parseCentsPerKwh("0.0001", UINT32_MAX), 1n);
    assert.equal(parseCentsPerKwh("429496.7295", UINT32_MAX), UINT32_MAX);
    assert.equal(parseCentsPerKwh("429496.7296", UINT32_MAX), undefined);
    assert.equal(parseCentsPerKwh("1677.7216", MAX_PREFERENCE_PRICE), undefined);
    for (const bad of ["", "-1", "1e3", "22.12345", "abc", "1.2.3"]) {
      assert.equal(parseCentsPerKwh(bad, UINT32_MAX), undefined, bad);
    }
  });

  it("reads kWh as Wh, up to three decimals", () => {
    assert.equal(parseKwh("0,5", UINT32_MAX), 500n);
    assert.equal(parseKwh("2", UINT32_MAX), 2000n);
    assert.equal(parseKwh("0.0005", UINT32_MAX), undefined);
    assert.equal(parseKwh("4294967.296", UINT32_MAX), undefined);
  });

  it("prices deliveries rounded down", () => {
    assert.equal(valueAt(300n, 220_000n), 66_000n);
    assert.equal(valueAt(1n, 1_999n), 1n);
  });
});
