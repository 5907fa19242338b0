import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_SHARE_WEIGHT, parseShareWeight } from "./share-weight.ts";

describe("a share weight", () => {
  it("is a whole number from 0 to what a meter record holds", () => {
    assert.equal(parseShareWeight("0"), 0);
    assert.equal(parseShareWeight(" 120 "), 120);
    assert.equal(parseShareWeight(7), 7);
    assert.equal(parseShareWeight(String(MAX_SHARE_WEIGHT)), 65_535);
    for (const bad of ["65536", "-1", "1.5", "", "1e3", "99999", undefined, null])
      assert.equal(parseShareWeight(bad), undefined, String(bad));
  });
});
