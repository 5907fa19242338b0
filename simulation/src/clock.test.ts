import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { germanSecondsOfDay, germanUtcOffsetSeconds } from "./clock.ts";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("germanUtcOffsetSeconds", () => {
  it("switches at 01:00 UTC on the last Sundays of March and October", () => {
    assert.equal(germanUtcOffsetSeconds(at("2026-03-29T00:59:59Z")), 3600);
    assert.equal(germanUtcOffsetSeconds(at("2026-03-29T01:00:00Z")), 7200);
    assert.equal(germanUtcOffsetSeconds(at("2026-10-25T00:59:59Z")), 7200);
    assert.equal(germanUtcOffsetSeconds(at("2026-10-25T01:00:00Z")), 3600);
  });
});

describe("germanSecondsOfDay", () => {
  it("reads the German wall clock", () => {
    assert.equal(germanSecondsOfDay(at("2026-01-15T06:30:00Z")), 7.5 * 3600);
    assert.equal(germanSecondsOfDay(at("2026-07-15T06:30:00Z")), 8.5 * 3600);
    assert.equal(germanSecondsOfDay(at("2026-07-15T22:30:00Z")), 0.5 * 3600);
  });
});
