import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { REJECTION_REASONS } from "./rejection-codes.ts";

describe("rejection codes", () => {
  it("are unique snake_case labels, fit for a Prometheus label value and an i18n key", () => {
    assert.equal(new Set(REJECTION_REASONS).size, REJECTION_REASONS.length);
    for (const reason of REJECTION_REASONS) assert.match(reason, /^[a-z][a-z_]*$/);
  });
});
