import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readReason, readRequestId, readRequestInput } from "./input.ts";

describe("readRequestInput", () => {
  it("accepts top-ups from 1 € to 10,000 € and pay-outs from one cent, in micro-euro", () => {
    assert.deepEqual(readRequestInput({ kind: "top-up", amount: "25.00" }), {
      ok: true,
      kind: "top-up",
      amount: 25_000_000n,
    });
    assert.deepEqual(readRequestInput({ kind: "top-up", amount: "10000" }), {
      ok: true,
      kind: "top-up",
      amount: 10_000_000_000n,
    });
    assert.deepEqual(readRequestInput({ kind: "pay-out", amount: "0,01" }), {
      ok: true,
      kind: "pay-out",
      amount: 10_000n,
    });
  });

  it("names the field and the limits of an amount out of range", () => {
    assert.deepEqual(readRequestInput({ kind: "top-up", amount: "0.99" }), {
      ok: false,
      problem: "money.error.amount-range",
      field: "top-up-amount",
      params: { min: "1000000", max: "10000000000" },
    });
    const tooMuch = readRequestInput({ kind: "pay-out", amount: "10000.01" });
    assert.equal(tooMuch.ok, false);
    assert.equal(!tooMuch.ok && tooMuch.field, "pay-out-amount");
    assert.equal(!tooMuch.ok && tooMuch.problem, "money.error.amount-range");
  });

  it("refuses a malformed amount, a number instead of text and an unknown kind", () => {
    assert.deepEqual(readRequestInput({ kind: "top-up", amount: "25.005" }), {
      ok: false,
      problem: "money.error.amount-format",
      field: "top-up-amount",
    });
    assert.equal(readRequestInput({ kind: "top-up", amount: 25 }).ok, false);
    assert.deepEqual(readRequestInput({ kind: "transfer", amount: "5" }), { ok: false, problem: "money.error.kind" });
  });
});

describe("readRequestId and readReason", () => {
  it("take positive whole ids only", () => {
    assert.equal(readRequestId({ id: 7 }), 7);
    for (const id of [0, -1, 1.5, "7", null, undefined]) assert.equal(readRequestId({ id }), undefined);
  });

  it("require a reason of at most 500 characters, trimmed", () => {
    assert.deepEqual(readReason({ reason: "  no transfer  " }), { ok: true, reason: "no transfer" });
    assert.deepEqual(readReason({ reason: "   " }), {
      ok: false,
      problem: "money.error.reason-missing",
      field: "reason",
    });
    assert.equal(readReason({ reason: "x".repeat(501) }).ok, false);
  });
});
