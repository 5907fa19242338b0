/** The relay between bridge processes, on the dialect the suite runs on. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { BridgeStoreError } from "./errors.ts";
import { RELAY_SQL, relayReadings, takeRelayed, type RelayedReading, type RelayTables } from "./relay.ts";

const reading = (neighbourhood: string, unixSeconds: number): RelayedReading => ({
  neighbourhood,
  meteringPointId: "mp-1",
  unixSeconds,
  importWh: 12_345_678_901n,
  exportWh: 0n,
  receivedAt: 1_700_000_000_000,
});

test(`${testDialect}: relayed readings reach the holder of their neighbourhood once, in order; a failed take keeps them`, async () => {
  const store = await openStore<RelayTables>({
    location: await testStoreLocation("bridge"),
    kind: {
      name: "the test bridge database",
      writer: "bridge",
      schema: "bridge",
      error: (m, o) => new BridgeStoreError(m, o),
    },
    migrations: [{ version: 1, description: "relay", sql: RELAY_SQL }],
  });
  await relayReadings(store.db, [reading("north", 900), reading("south", 900), reading("north", 1800)], "bridge-2");

  await assert.rejects(
    store.transaction(async (trx) => {
      assert.equal((await takeRelayed(trx, ["north"])).length, 2);
      throw new Error("the aggregator failed");
    }),
    /the aggregator failed/,
  );
  const north = await store.transaction((trx) => takeRelayed(trx, ["north"]));
  assert.deepEqual(north, [reading("north", 900), reading("north", 1800)]);
  assert.deepEqual(await store.transaction((trx) => takeRelayed(trx, ["north"])), []);
  assert.deepEqual(await store.transaction((trx) => takeRelayed(trx, ["south", "east"])), [reading("south", 900)]);
  await store.close();
});
