import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fixedOffsetToUtc, parseIsoTime, zonedToUtc } from "./time.ts";

const iso = (result: ReturnType<typeof parseIsoTime>) =>
  result.ok ? new Date(result.unixMs).toISOString() : result.problem;
const near = Date.UTC(2026, 5, 21);

describe("time", () => {
  test("ISO times with Z, offsets (with or without colon), fractions up to nanoseconds", () => {
    assert.equal(iso(parseIsoTime("2026-06-21T08:15:01.309876543Z")), "2026-06-21T08:15:01.309Z");
    assert.equal(iso(parseIsoTime("2018-07-24T13:22:04,000+0200")), "2018-07-24T11:22:04.000Z");
    assert.equal(iso(parseIsoTime("2026-06-21T10:15:00+02:00")), "2026-06-21T08:15:00.000Z");
    assert.match(String(iso(parseIsoTime("2026-06-21T10:15:00"))), /has no time zone offset/);
    assert.match(String(iso(parseIsoTime("2026-02-30T10:15:00Z"))), /has day 30 in a month of 28 days/);
    assert.match(String(iso(parseIsoTime("2026-06-21T24:00:00Z"))), /has time of day 24:0:0/);
    assert.match(String(iso(parseIsoTime("2026-06-21T10:15:00+15:00"))), /has offset \+15:00/);
  });

  test("local times in a time zone, summer and winter, and the two edges of summer time", () => {
    const berlin = (local: string, around = near) =>
      iso(parseIsoTime(local, { timeZone: "Europe/Berlin", near: around }));
    assert.equal(berlin("2026-06-21T10:15:00"), "2026-06-21T08:15:00.000Z");
    assert.equal(berlin("2026-01-15T07:30:00"), "2026-01-15T06:30:00.000Z");
    assert.equal(berlin("2026-10-25T02:30:00", Date.UTC(2026, 9, 25, 0, 31)), "2026-10-25T00:30:00.000Z");
    assert.equal(berlin("2026-10-25T02:30:00", Date.UTC(2026, 9, 25, 1, 31)), "2026-10-25T01:30:00.000Z");
    assert.match(String(berlin("2026-03-29T02:30:00")), /does not exist in Europe\/Berlin/);
    const tokyo = zonedToUtc({ year: 2026, month: 1, day: 1, hour: 9, minute: 0, second: 0 }, "Asia/Tokyo", near);
    assert.deepEqual(tokyo, { ok: true, unixMs: Date.UTC(2026, 0, 1) });
  });

  test("fixed offsets (DSMR's S and W)", () => {
    const local = { year: 2026, month: 6, day: 21, hour: 10, minute: 15, second: 0 };
    assert.deepEqual(fixedOffsetToUtc(local, 120), { ok: true, unixMs: Date.UTC(2026, 5, 21, 8, 15) });
    assert.equal(fixedOffsetToUtc({ ...local, minute: 60 }, 60).ok, false);
  });
});
