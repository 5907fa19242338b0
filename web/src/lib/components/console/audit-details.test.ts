import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { auditDetails } from "./audit-details.ts";

describe("auditDetails", () => {
  it("types euros, energies, intervals, ids and text, and hides codes", () => {
    const details = {
      neighbourhood: `0x${"ab".repeat(32)}`,
      interval: "123456",
      number: 3,
      importWh: "1500",
      change: "-450000",
      reason: "replacement value",
      code: "SECRET-CODE",
      custody: "server",
      flags: { a: 1 },
    };
    assert.deepEqual(auditDetails(details), [
      { name: "neighbourhood", type: "hex", value: `0x${"ab".repeat(32)}` },
      { name: "interval", type: "interval", value: 123456n },
      { name: "number", type: "text", value: "3" },
      { name: "importWh", type: "kwh", value: 1500n },
      { name: "change", type: "euro", value: -450000n },
      { name: "reason", type: "text", value: "replacement value" },
      { name: "custody", type: "text", value: "server" },
      { name: "flags", type: "text", value: '{"a":1}' },
    ]);
  });

  it("shows a money detail that is not a whole number as text, not as euros", () => {
    assert.deepEqual(auditDetails({ amount: "12.5" }), [{ name: "amount", type: "text", value: "12.5" }]);
  });
});
