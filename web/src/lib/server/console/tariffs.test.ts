import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ReadModelDb } from "../read-model/store.ts";
import { HOOD_A, HOOD_B, addNeighbourhood, addTariff, fixtureDb } from "./fixture.test-helper.ts";
import { tariffHistory } from "./tariffs.ts";

describe("tariff history", () => {
  let db: ReadModelDb;
  let done: () => Promise<void>;
  beforeEach(async () => ({ db, done } = await fixtureDb()));
  afterEach(() => done());

  it("marks the tariff in force as current, later ones announced and earlier ones past, per neighbourhood", async () => {
    await addNeighbourhood(db, HOOD_A, 1);
    await addNeighbourhood(db, HOOD_B, 2);
    await addTariff(db, HOOD_A, 0n, 100_000, 3);
    await addTariff(db, HOOD_A, 500n, 120_000, 4);
    await addTariff(db, HOOD_A, 2_000n, 130_000, 5);
    await addTariff(db, HOOD_B, 0n, 90_000, 6);
    const rows = await tariffHistory(db, 1_000n);
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
