import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "@nachbarstrom/core/database";
import { testStoreLocation } from "@nachbarstrom/core/database/test";
import type { ChunkResult } from "@nachbarstrom/core/packed";
import type { Address } from "viem";
import { newestIntervalRows, type HouseholdIntervalRow } from "../household-rows.ts";
import type { IndexedEvent } from "./decode.ts";
import { hex32 } from "./fake-chain.test-helper.ts";
import { householdRows, householdRowsQuery } from "./queries.ts";
import { allRows, openReadModelStore } from "./store.ts";
import { writeEvents } from "./write.ts";

const hood = hex32(0x11);
const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const tx = hex32(0xee);

function result(number: number, interval: bigint): ChunkResult {
  return {
    number,
    importWh: interval,
    exportWh: 0n,
    contractBoughtWh: 0n,
    contractSoldWh: 0n,
    poolBoughtWh: 0n,
    poolSoldWh: 0n,
    debit: interval * 400n,
    credit: 0n,
  };
}

/**
 * A neighbourhood whose meters were settled in different intervals: alice's meter 1 in 1…60, her meter
 * 2 only in 1…5 and 30…32 (it was silent in between and then removed), bob's meter 3 in 1…70.
 */
async function readModel(location: string) {
  const store = await openReadModelStore({ location });
  const settled: Record<number, bigint[]> = {
    1: range(1n, 60n),
    2: [...range(1n, 5n), ...range(30n, 32n)],
    3: range(1n, 70n),
  };
  const events: IndexedEvent[] = [
    [1, alice],
    [2, alice],
    [3, bob],
  ].map(([number, owner], i) => ({
    kind: "MeterRegistered",
    meter: hex32(0xa0 + i),
    neighbourhood: hood,
    owner: owner as Address,
    number: number as number,
    blockNumber: 1n,
    logIndex: i,
    transactionHash: tx,
  }));
  for (const interval of range(1n, 70n)) {
    const results = [1, 2, 3].filter((n) => settled[n].includes(interval)).map((n) => result(n, interval));
    events.push({
      kind: "ChunkSettled",
      neighbourhood: hood,
      interval,
      chunk: 0,
      results,
      blockNumber: 10n + interval,
      logIndex: 0,
      transactionHash: tx,
    });
  }
  await store.transaction((trx) => writeEvents(trx, events));
  return store;
}

describe("householdRows", () => {
  it("returns the newest intervals of all the owner's meters, whatever each meter's history", async () => {
    const store = await readModel(await testStoreLocation("read-model"));
    const every = (owner: Address) => householdRows(store.db, owner, 1_000);
    assert.equal((await every(alice)).length, 60 + 8);
    for (const limit of [1, 3, 24, 28, 29, 40, 60, 61, 100]) {
      for (const owner of [alice, bob]) {
        assert.deepEqual(
          key(await householdRows(store.db, owner, limit)),
          key(newestIntervalRows(await every(owner), limit)),
          `${owner}, limit ${limit}`,
        );
      }
    }
    // Meter 2 reappears once the cut-off reaches back to 32: 29 intervals (60 down to 32) show 30 rows.
    assert.deepEqual(key(await householdRows(store.db, alice, 29)).slice(-3), ["33:1", "32:1", "32:2"]);
    assert.equal((await householdRows(store.db, alice, 29)).length, 30);
    await store.close();
  });

  it("finds the intervals through the primary key from each meter's newest row, not by reading its history (SQLite's plan)", async () => {
    const store = await readModel(":memory:");
    const plan = (await allRows(store.db, sql`EXPLAIN QUERY PLAN ${householdRowsQuery(alice, 24)}`)).map((row) =>
      String(row.detail),
    );
    // Each meter's `limit`-th newest interval, read backwards along the key (no sort of its history)…
    assert.ok(plan.includes("CORRELATED SCALAR SUBQUERY 1"), plan.join("\n"));
    assert.ok(plan.includes("SEARCH mi USING PRIMARY KEY (neighbourhood=? AND number=?)"), plan.join("\n"));
    // …then only the rows from there on.
    assert.ok(
      plan.includes("SEARCH mi USING PRIMARY KEY (neighbourhood=? AND number=? AND interval>?)"),
      plan.join("\n"),
    );
    await store.close();
  });
});

function range(from: bigint, to: bigint): bigint[] {
  return Array.from({ length: Number(to - from) + 1 }, (_, i) => from + BigInt(i));
}

function key(rows: readonly HouseholdIntervalRow[]): string[] {
  return rows.map((r) => `${r.interval}:${r.number}`);
}
