import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { DatabaseSync } from "node:sqlite";
import { HOOD_A, HOOD_B, addNeighbourhood, addTariff, fixtureDb } from "./fixture.test-helper.ts";
import { tariffHistory } from "./tariffs.ts";

describe("tariff history", () => {
  let db: DatabaseSync;
  let done: () => void;
  beforeEach(() => ({ db, done } = fixtureDb()));
  afterEach(() => done());

  it("marks the tariff in force as current, later ones announced and earlier ones past, per neighbourhood", () => {
    addNeighbourhood(db, HOOD_A, 1);
    addNeighbourhood(db, HOOD_B, 2);
    addTariff(db, HOOD_A, 0n, 100_000, 3);
    addTariff(db, HOOD_A, 500n, 120_000, 4);
    addTariff(db, HOOD_A, 2_000n, 130_000, 5);
    addTariff(db, HOOD_B, 0n, 90_000, 6);
    const rows = tariffHistory(db, 1_000n);
    assert.deepEqual(
      rows.map((r) => [r.neighbourhood, r.effectiveFrom, r.state]),
      [
        [HOOD_A, 2_000n, "announced"],
        [HOOD_A, 500n, "current"],
        [HOOD_A, 0n, "past"],
        [HOOD_B, 0n, "current"],
      ],
    );
    // (120,000 + 110,000 + 20,500 + 16,600 + 30,000) × 1.19
    assert.equal(rows[1].gridGross, (297_100n * 11_900n) / 10_000n);
  });
});
