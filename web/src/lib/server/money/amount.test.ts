import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_REQUEST, MIN_TOP_UP, parseEuroInput } from "./amount.ts";

describe("parseEuroInput", () => {
  it("reads whole euros and up to two decimals after a point or a comma, exactly", () => {
    assert.equal(parseEuroInput("25"), 25_000_000n);
    assert.equal(parseEuroInput("25.00"), 25_000_000n);
    assert.equal(parseEuroInput("25,5"), 25_500_000n);
    assert.equal(parseEuroInput(" 0.01 "), 10_000n);
    assert.equal(parseEuroInput("10000"), MAX_REQUEST);
    assert.equal(parseEuroInput("1"), MIN_TOP_UP);
    // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is exact.
    assert.equal(parseEuroInput("0.30"), 300_000n);
  });

  it("refuses anything else: more decimals, signs, separators, words, empty", () => {
    for (const text of ["", "25.001", "-5", "+5", "1.000,00", "1 000", "25 €", "abc", ".5", "5.", "1e3"]) {
      assert.equal(parseEuroInput(text), undefined, JSON.stringify(text));
    }
  });
});
