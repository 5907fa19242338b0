import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatInstant, formatIntervalStart, intervalStartIso } from "./time.ts";

// 2026-11-23T09:15:00Z is 10:15 in Berlin (CET); 2026-07-01T08:00:00Z is 10:00 (CEST).
const winter = BigInt(Date.UTC(2026, 10, 23, 9, 15) / 1000 / 900);
const summer = BigInt(Date.UTC(2026, 6, 1, 8, 0) / 1000 / 900);

describe("formatIntervalStart", () => {
  it("shows German local time in both languages", () => {
    assert.equal(formatIntervalStart(winter, "de"), "23.11.2026, 10:15");
    assert.equal(formatIntervalStart(winter, "en"), "23 Nov 2026, 10:15");
    assert.equal(formatIntervalStart(summer, "de"), "01.07.2026, 10:00");
  });

  it("gives the instant for <time datetime>", () => {
    assert.equal(intervalStartIso(winter), "2026-11-23T09:15:00.000Z");
  });
});

describe("formatInstant", () => {
  it("shows an instant in German local time to the second", () => {
    assert.equal(formatInstant("2026-11-23T09:15:07.400Z", "de"), "23.11.2026, 10:15:07");
    assert.equal(formatInstant(new Date("2026-07-01T08:00:00Z"), "en"), "1 Jul 2026, 10:00:00");
  });
});
