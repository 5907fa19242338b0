import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defineDecoder, isoSeconds, own, quote } from "./decoder.ts";

const reading = (overrides: object = {}) => ({
  meteringPointId: "M",
  unixMs: Date.UTC(2026, 5, 21, 8, 15),
  importWh: 1n,
  exportWh: 2n,
  ...overrides,
});
const input = {
  topic: "t",
  payload: new Uint8Array(),
  receivedAt: new Date(Date.UTC(2026, 5, 21, 8, 15)),
  settings: {},
};

describe("defineDecoder", () => {
  test("turns exceptions, sync and async, into rejections that name the format", async () => {
    const throwing = defineDecoder("X", () => {
      throw new TypeError("boom");
    });
    assert.deepEqual(await throwing(input), { ok: false, reason: "X: internal error while decoding: TypeError: boom" });
    const rejecting = defineDecoder("Y", async () => Promise.reject(new Error("late")));
    assert.deepEqual(await rejecting(input), { ok: false, reason: "Y: internal error while decoding: Error: late" });
  });

  test("checks the input and every reading", async () => {
    const decode = (raw: object) =>
      defineDecoder("Z", () => ({ ok: true, readings: [raw as ReturnType<typeof reading>] }))(input);
    assert.deepEqual(await decode(reading()), {
      ok: true,
      readings: [{ meteringPointId: "M", timestamp: "2026-06-21T08:15:00Z", importWh: 1n, exportWh: 2n }],
    });
    assert.deepEqual(await decode(reading({ importWh: 1 })), {
      ok: false,
      reason: 'Z: importWh of metering point "M" is not an integer',
    });
    assert.deepEqual(await decode(reading({ exportWh: -2n })), {
      ok: false,
      reason: 'Z: exportWh of metering point "M" is negative (-2 Wh)',
    });
    assert.deepEqual(await decode(reading({ unixMs: Number.NaN })), {
      ok: false,
      reason: 'Z: timestamp of metering point "M" is not a time',
    });
    const ok = defineDecoder("Z", () => ({ ok: true, readings: [] }));
    assert.deepEqual(await ok(input), { ok: false, reason: "Z: the message holds no reading" });
    assert.deepEqual(await ok({ ...input, payload: "text" as unknown as Uint8Array }), {
      ok: false,
      reason: "Z: payload is not bytes (a Uint8Array or Buffer)",
    });
    assert.deepEqual(await ok({ ...input, receivedAt: new Date(Number.NaN) }), {
      ok: false,
      reason: "Z: receivedAt is not a valid Date",
    });
  });

  test("helpers", () => {
    assert.equal(isoSeconds(Date.UTC(2026, 0, 1, 0, 0, 0, 999)), "2026-01-01T00:00:00Z");
    assert.equal(own({ a: 1 }, "constructor"), undefined);
    assert.equal(quote("x".repeat(100)), `"${"x".repeat(80)}…"`);
    assert.equal(quote(5n), '"5"');
  });
});
