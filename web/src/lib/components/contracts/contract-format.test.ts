import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { centsValue, formatDay } from "./contract-format.ts";

describe("contract formats", () => {
  it("writes a price limit back as a form value, exactly", () => {
    assert.equal(centsValue(225_000n), "22.5");
    assert.equal(centsValue(220_000n), "22");
    assert.equal(centsValue(1n), "0.0001");
    assert.equal(centsValue(0n), "", "no limit");
  });

  it("shows a German day in the page's language", () => {
    assert.equal(formatDay("2026-11-23", "de"), "23.11.2026");
    assert.equal(formatDay("2026-11-23", "en"), "23 Nov 2026");
  });
});
