import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dayOfYear, solarElevation } from "./solar.ts";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("solarElevation over Aachen", () => {
  it("peaks near 90° − 50.78° ± 23.45° at the solstices' solar noon (about 11:36 UTC)", () => {
    assert.ok(Math.abs(solarElevation(at("2026-06-21T11:36:00Z")) - 62.67) < 0.5);
    assert.ok(Math.abs(solarElevation(at("2026-12-21T11:36:00Z")) - 15.77) < 0.5);
  });

  it("is below the horizon at midnight, summer and winter", () => {
    assert.ok(solarElevation(at("2026-06-21T23:30:00Z")) < 0);
    assert.ok(solarElevation(at("2026-12-21T23:30:00Z")) < 0);
  });

  it("rises around 03:20 UTC at midsummer (05:20 local)", () => {
    assert.ok(solarElevation(at("2026-06-21T03:05:00Z")) < 0);
    assert.ok(solarElevation(at("2026-06-21T03:35:00Z")) > 0);
  });
});

describe("dayOfYear", () => {
  it("counts from 1 on 1 January", () => {
    assert.equal(dayOfYear(at("2026-01-01T00:00:00Z")), 1);
    assert.equal(dayOfYear(at("2026-12-31T23:59:59Z")), 365);
    assert.equal(dayOfYear(at("2028-12-31T12:00:00Z")), 366);
  });
});
