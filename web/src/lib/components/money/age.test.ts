import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAge } from "./age.ts";

describe("formatAge", () => {
  it("uses minutes below an hour, hours below two days, then days", () => {
    assert.equal(formatAge(5 * 60_000 + 59_000, "en"), "5 minutes ago");
    assert.equal(formatAge(3 * 3_600_000, "en"), "3 hours ago");
    assert.equal(formatAge(47 * 3_600_000, "de"), "vor 47 Stunden");
    assert.equal(formatAge(3 * 86_400_000, "de"), "vor 3 Tagen");
  });

  it("shows a clock running slightly ahead as now, not in the future", () => {
    assert.equal(formatAge(-5_000, "en"), "0 minutes ago");
  });
});
