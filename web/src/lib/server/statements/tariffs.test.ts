import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ReadModelDb } from "../read-model/store.ts";
import {
  ALICE,
  BOB,
  HOOD_A,
  HOOD_B,
  addMeter,
  addNeighbourhood,
  addTariff,
  fixtureDb,
} from "../console/fixture.test-helper.ts";
import { householdTariffs } from "./tariffs.ts";

describe("household tariffs", () => {
  let db: ReadModelDb;
  let done: () => Promise<void>;
  beforeEach(async () => ({ db, done } = await fixtureDb()));
  afterEach(() => done());

  it("keeps only the neighbourhoods the owner has a meter in, with the console's states", async () => {
    await addNeighbourhood(db, HOOD_A, 1);
    await addNeighbourhood(db, HOOD_B, 2);
    await addMeter(db, { number: 1, owner: ALICE });
    await addMeter(db, { hood: HOOD_B, number: 1, owner: BOB, block: 3 });
    await addTariff(db, HOOD_A, 0n, 100_000, 4);
    await addTariff(db, HOOD_A, 2_000n, 130_000, 5);
    await addTariff(db, HOOD_B, 0n, 90_000, 6);
    assert.deepEqual(
      (await householdTariffs(db, ALICE, 1_000n)).map((r) => [r.neighbourhood, r.effectiveFrom, r.state]),
      [
        [HOOD_A, 2_000n, "announced"],
        [HOOD_A, 0n, "current"],
      ],
    );
    assert.deepEqual(await householdTariffs(db, "0x0000000000000000000000000000000000000C0C", 1_000n), []);
  });
});
