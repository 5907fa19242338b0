import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decimalToWh, jsonToWh, scaledToWh } from "./energy.ts";

const wh = (result: ReturnType<typeof decimalToWh>) => (result.ok ? result.wh : result.problem);

describe("energy values", () => {
  test("decimal kWh become whole Wh exactly; sub-Wh digits are cut", () => {
    assert.equal(wh(decimalToWh("001234.567", "kWh")), 1_234_567n);
    assert.equal(wh(decimalToWh("00052185.7825309", "kWh")), 52_185_782n);
    assert.equal(wh(decimalToWh("0.0009", "kWh")), 0n);
    assert.equal(wh(decimalToWh("999999999.999", "kWh")), 999_999_999_999n);
    assert.equal(wh(decimalToWh("12", "Wh")), 12n);
    assert.equal(wh(decimalToWh("0029.055", "MWh")), 29_055_000n);
    assert.equal(wh(decimalToWh("1.5e3", "Wh")), 1500n);
    assert.equal(wh(decimalToWh("7.", "KWh")), 7000n);
  });

  test("numbers from JSON keep the digits the device sent", () => {
    assert.equal(wh(jsonToWh(1234.5678, "kWh")), 1_234_567n);
    assert.equal(wh(jsonToWh(0.1 + 0.2, "kWh")), 300n); // 0.30000000000000004 kWh
    assert.equal(wh(jsonToWh(1e-7, "kWh")), 0n);
    assert.equal(wh(jsonToWh(" 42 ", "Wh")), 42n);
  });

  test("rejects what is not a register value", () => {
    assert.match(String(wh(decimalToWh("-1", "kWh"))), /is negative/);
    assert.match(String(wh(decimalToWh("1,5", "kWh"))), /is not a decimal number/);
    assert.match(String(wh(decimalToWh("", "kWh"))), /is empty/);
    assert.match(String(wh(decimalToWh("1", "kW"))), /has unit "kW", not an energy unit/);
    assert.match(String(wh(decimalToWh("1", "mWh"))), /has unit "mWh"/);
    assert.match(String(wh(decimalToWh("1", "toString"))), /has unit "toString"/);
    assert.match(String(wh(decimalToWh("1e99", "Wh"))), /absurdly large/);
    assert.match(String(wh(jsonToWh(Number.NaN, "Wh"))), /not a finite number/);
    assert.match(String(wh(jsonToWh(null, "Wh"))), /is not a number \(null\)/);
    assert.match(String(wh(jsonToWh(-0.5, "Wh"))), /is negative/);
    assert.match(String(wh(scaledToWh(-1n, 0))), /is negative/);
    assert.match(String(wh(scaledToWh(1n, 13))), /implausible scaler/);
    assert.equal(wh(scaledToWh(153_385_557n, -1)), 15_338_555n);
    assert.equal(wh(scaledToWh(12n, 3)), 12_000n);
  });
});
