import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { creditTokenAbi, meterRegistryAbi } from "@nachbarstrom/core/abi";
import { sql } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import type { Address } from "viem";
import type { RawLog } from "./decode.ts";
import { fakeChain, fakeDeployment, hex32, rawLog } from "./fake-chain.test-helper.ts";
import { follow } from "./follow.ts";
import { indexerLease } from "./indexer-lease.ts";
import { createIndexer, type IndexerClient } from "./indexer.ts";
import { DATA_TABLES } from "./schema.ts";
import { allRows, openReadModelStore, type ReadModelStore } from "./store.ts";

const { contracts } = fakeDeployment;
const hood = hex32(0x11);
const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const LEASE_MS = 1000;

/** Blocks `from`…`to`, each with a meter registration and a top-up: indexing a block twice would fail or count twice. */
function activity(from: bigint, to: bigint) {
  const logs: RawLog[] = [];
  for (let block = from; block <= to; block++) {
    logs.push(
      rawLog(
        contracts.meterRegistry,
        meterRegistryAbi,
        "MeterRegistered",
        { meter: hex32(Number(block)), neighbourhood: hood, owner: alice, number: Number(block) },
        block,
        0,
      ),
      rawLog(
        contracts.creditToken,
        creditTokenAbi,
        "ToppedUp",
        { account: alice, amount: block, repaid: 0n },
        block,
        1,
      ),
    );
  }
  return logs;
}

/** Every indexed row and the progress, in a stable order, to compare two read models. */
async function contents(store: ReadModelStore): Promise<string[]> {
  const lines: string[] = [];
  for (const table of [...DATA_TABLES, "progress"]) {
    const rows = await allRows(store.db, sql`SELECT * FROM ${sql.table(table)}`);
    lines.push(...rows.map((row) => `${table} ${JSON.stringify(row, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`));
  }
  return lines.sort();
}

describe(`the indexer's lease (${testDialect})`, () => {
  it("lets one of two followers on one read model index; the other waits, and takes over when the first stops", async () => {
    const { state, client } = fakeChain(20n);
    state.logs.push(...activity(11n, 18n));
    const location = await testStoreLocation("shared");
    let clock = 0;
    let tick = 0;
    const portalProcess = async (holder: string) => {
      const store = await openReadModelStore({ location });
      const lease = indexerLease({ db: store.db, holder, leaseMs: LEASE_MS, now: () => clock });
      let ranges = 0;
      const counting: IndexerClient = { ...client, getLogs: (filter) => (ranges++, client.getLogs(filter)) };
      const indexer = createIndexer({
        store,
        client: counting,
        deployment: fakeDeployment,
        rangeBlocks: 4n,
        lease,
        waitMs: 5,
      });
      // Every page load asks for a catch-up (a clock that always moves).
      const follower = follow({ indexer, pollMs: 0, now: () => ++tick });
      return { store, lease, indexer, follower, ranges: () => ranges };
    };
    const first = await portalProcess("first");
    const second = await portalProcess("second");

    await first.follower.fresh(0);
    await second.follower.fresh(0);
    assert.equal(second.ranges(), 0, "the second waits for the first instead of indexing");
    assert.equal((await second.store.progress())?.lastBlock, 20n, "and reads what the first indexed");

    // The chain moves on while a page of the second process waits: it resolves once the first has indexed.
    state.head = 30n;
    state.logs.push(...activity(22n, 28n));
    const waiting = second.follower.fresh(0);
    await first.follower.fresh(0);
    await waiting;
    assert.equal(second.ranges(), 0);
    assert.equal((await second.store.progress())?.lastBlock, 30n);

    // The first stops renewing (it died or hangs); once its lease has expired the second takes over.
    await first.follower.stop();
    state.head = 40n;
    state.logs.push(...activity(31n, 39n));
    clock += LEASE_MS;
    await second.follower.fresh(0);
    assert.ok(second.ranges() > 0, "the second indexes now");
    assert.equal((await second.store.progress())?.lastBlock, 40n);

    // The first, back from its pause, may no longer write: it waits for the holder like any other.
    await assert.rejects(
      first.store.transaction((trx) => first.lease.assertHeld(trx)),
      /no longer holds the indexer's lease/,
    );
    const firstRanges = first.ranges();
    assert.equal((await first.indexer.catchUp()).waited, true);
    assert.equal(first.ranges(), firstRanges);

    const single = await openReadModelStore({ location: await testStoreLocation("single") });
    await createIndexer({ store: single, client, deployment: fakeDeployment }).catchUp();
    assert.deepEqual(await contents(second.store), await contents(single), "the same as one indexer's read model");

    await second.follower.stop();
    await Promise.all([first.store.close(), second.store.close(), single.close()]);
  });

  it("is taken when free or expired, renewed by its holder, and given up on release", async () => {
    const store = await openReadModelStore({ location: await testStoreLocation("lease") });
    let clock = 0;
    const a = indexerLease({ db: store.db, holder: "a", leaseMs: LEASE_MS, now: () => clock });
    const b = indexerLease({ db: store.db, holder: "b", leaseMs: LEASE_MS, now: () => clock });
    assert.equal(await a.acquire(), true);
    assert.equal(await b.acquire(), false);
    clock = LEASE_MS - 1;
    assert.equal(await a.acquire(), true, "renewed until 2 × LEASE_MS − 1");
    clock = LEASE_MS + 1;
    assert.equal(await b.acquire(), false, "not expired: it was renewed");
    clock = 2 * LEASE_MS;
    assert.equal(await b.acquire(), true, "expired: taken");
    assert.equal(await a.acquire(), false);
    await b.release();
    assert.equal(await a.acquire(), true, "released: free at once");
    await store.close();
  });
});
