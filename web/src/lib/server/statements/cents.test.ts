import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apportionCents } from "./cents.ts";

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

describe("apportionCents", () => {
  it("makes rounded lines add up to the rounded total", () => {
    // Three thirds of a euro in base units: 33.3333 ct each, total 100 ct.
    const { lines, total } = apportionCents([333_333n, 333_333n, 333_334n], 10_000n);
    assert.equal(total, 100n);
    assert.deepEqual(lines, [33n, 33n, 34n]);
  });

  it("rounds the total half away from zero and keeps negative lines", () => {
    const { lines, total } = apportionCents([12_345n, -2_340n, 5_000n], 10_000n);
    assert.equal(total, 2n);
    assert.equal(sum(lines), total);
    assert.deepEqual(apportionCents([5_000n], 10_000n), { lines: [1n], total: 1n });
    assert.deepEqual(apportionCents([-5_000n], 10_000n), { lines: [-1n], total: -1n });
  });

  it("always adds up, for many random lines", () => {
    let seed = 42n;
    const next = () => (seed = (seed * 6_364_136_223_846_793_005n + 1n) % 2n ** 63n);
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: 1 + Number(next() % 12n) }, () => (next() % 20_000_000n) - 5_000_000n);
      const { lines: cents, total } = apportionCents(lines, 10_000n);
      assert.equal(sum(cents), total);
      cents.forEach((c, i) => assert.ok(c * 10_000n - lines[i] < 10_000n && lines[i] - c * 10_000n < 10_000n));
    }
  });
});
