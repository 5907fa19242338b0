import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drawUnit, mulberry32 } from "./prng.ts";

describe("mulberry32", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const next = mulberry32(42);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = next();
      assert.ok(value >= 0 && value < 1);
      sum += value;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  });
});

describe("drawUnit", () => {
  it("depends on every key, including the high bits of large ones", () => {
    assert.equal(drawUnit(1, 2, 3), drawUnit(1, 2, 3));
    assert.notEqual(drawUnit(1, 2, 3), drawUnit(1, 3, 2));
    assert.notEqual(drawUnit(1, 2 ** 40), drawUnit(1, 2 ** 41));
  });

  it("rejects keys that are not safe integers", () => {
    assert.throws(() => drawUnit(1.5), RangeError);
  });
});
