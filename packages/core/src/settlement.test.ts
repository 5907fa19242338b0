import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocatePool, settleInterval, sortByMeter, type MeterEnergy } from "./settlement.ts";
import { DEMO_TARIFF } from "./demo.ts";
import type { Hex } from "viem";

const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

function randomBatch(seed: number, size: number): MeterEnergy[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: size }, (_, i) => ({
    meter: id(1000 - i * 7),
    importWh: next() < 0.3 ? 0n : BigInt(Math.floor(next() * 10_000)),
    exportWh: next() < 0.5 ? 0n : BigInt(Math.floor(next() * 10_000)),
  }));
}

describe("settleInterval", () => {
  it("shares the pool pro rata and prices the rest at grid and feed-in tariffs", () => {
    const result = settleInterval({
      tariff: DEMO_TARIFF,
      meters: [
        { meter: id(3), importWh: 900n, exportWh: 0n },
        { meter: id(1), importWh: 0n, exportWh: 1000n },
        { meter: id(2), importWh: 600n, exportWh: 0n },
      ],
    });
    assert.equal(result.localWh, 1000n);
    assert.deepEqual(
      result.meters.map((m) => [m.meter, m.localBoughtWh, m.localSoldWh, m.debit, m.credit]),
      [
        [id(1), 0n, 1000n, 0n, 250_000n],
        [id(2), 400n, 0n, 180_000n, 0n],
        [id(3), 600n, 0n, 270_000n, 0n],
      ],
    );
  });

  it("pays feed-in for the surplus that no neighbour takes", () => {
    const result = settleInterval({
      tariff: DEMO_TARIFF,
      meters: [
        { meter: id(1), importWh: 0n, exportWh: 1000n },
        { meter: id(2), importWh: 200n, exportWh: 0n },
      ],
    });
    assert.equal(result.meters[0].credit, 50_000n + 63_200n);
  });

  for (let seed = 1; seed <= 200; seed++) {
    it(`conserves energy and stays within each meter (random batch ${seed})`, () => {
      const batch = randomBatch(seed, 1 + (seed % 40));
      const result = settleInterval({ tariff: DEMO_TARIFF, meters: batch });
      const bought = result.meters.reduce((s, m) => s + m.localBoughtWh, 0n);
      const sold = result.meters.reduce((s, m) => s + m.localSoldWh, 0n);
      assert.equal(bought, result.localWh, "local bought = local");
      assert.equal(sold, result.localWh, "local sold = local");
      for (const m of result.meters) {
        assert.ok(m.localBoughtWh <= m.importWh && m.localSoldWh <= m.exportWh, "within metered energy");
        assert.ok(m.debit >= 0n && m.credit >= 0n);
      }
      // Grid part + local part = metered, for the neighbourhood as a whole.
      const gridImport = result.meters.reduce((s, m) => s + m.importWh - m.localBoughtWh, 0n);
      assert.equal(gridImport + bought, result.importWh);
    });
  }
});

describe("allocatePool", () => {
  it("gives the rounding remainder one Wh each, in order, to meters with room", () => {
    assert.deepEqual(allocatePool([1n, 1n, 1n], 3n, 2n), [1n, 1n, 0n]);
    assert.deepEqual(allocatePool([5n, 0n, 5n], 10n, 3n), [2n, 0n, 1n]);
  });

  it("gives nothing when there is nothing local", () => {
    assert.deepEqual(allocatePool([4n, 2n], 6n, 0n), [0n, 0n]);
  });
});

describe("sortByMeter", () => {
  it("orders by the numeric value of the id, as the contract requires", () => {
    assert.deepEqual(
      sortByMeter([{ meter: id(255) }, { meter: id(16) }, { meter: id(17) }]).map((m) => m.meter),
      [id(16), id(17), id(255)],
    );
  });
});
