import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatCount } from "./count.ts";

describe("formatCount", () => {
  it("groups digits per locale", () => {
    assert.equal(formatCount(12_345, "de"), "12.345");
    assert.equal(formatCount(12_345, "en"), "12,345");
    assert.equal(formatCount(0, "de"), "0");
  });
});
