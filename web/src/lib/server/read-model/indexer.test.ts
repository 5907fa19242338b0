import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  costCapAbi,
  creditTokenAbi,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  settlementCorrectionsAbi,
  tariffScheduleAbi,
} from "@nachbarstrom/core/abi";
import { sql } from "@nachbarstrom/core/database";
import { testStoreLocation } from "@nachbarstrom/core/database/test";
import type { ChunkResult } from "@nachbarstrom/core/packed";
import { keccak256, toHex, type Address } from "viem";
import { encodeChunkResults } from "../fake-logs.test-helper.ts";
import { ReadModelError } from "./errors.ts";
import { fakeChain, fakeDeployment, hex32, rawLog } from "./fake-chain.test-helper.ts";
import { createIndexer, type IndexerClient } from "./indexer.ts";
import { derivedPosition, householdRows, meterOwners, metersOf, settledIntervals } from "./queries.ts";
import { allRows, openReadModelStore, type ReadModelStore } from "./store.ts";

const { contracts } = fakeDeployment;
const hood = hex32(0x11);
const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const TARIFF = {
  gridEnergy: 150_000n,
  gridFee: 110_000n,
  localGridFee: 40_000n,
  electricityTax: 20_500n,
  concessionFee: 16_600n,
  levies: 30_000n,
  feedInPrice: 79_000n,
  communityPrice: 250_000n,
  vatBasisPoints: 1900,
};

function result(number: number, extra: Partial<ChunkResult> = {}): ChunkResult {
  return {
    number,
    importWh: 0n,
    exportWh: 0n,
    contractBoughtWh: 0n,
    contractSoldWh: 0n,
    poolBoughtWh: 0n,
    poolSoldWh: 0n,
    debit: 0n,
    credit: 0n,
    ...extra,
  };
}

const registerMeter = (meter: number, owner: Address, number: number, block: bigint, logIndex = 0) =>
  rawLog(
    contracts.meterRegistry,
    meterRegistryAbi,
    "MeterRegistered",
    { meter: hex32(meter), neighbourhood: hood, owner, number },
    block,
    logIndex,
  );

/** A settled interval: its one chunk, then IntervalSettled, as settleChunk emits them. */
const settle = (interval: bigint, results: readonly ChunkResult[], block: bigint) => [
  rawLog(
    contracts.neighbourhoodSettlement,
    neighbourhoodSettlementAbi,
    "ChunkSettled",
    { neighbourhood: hood, interval, chunk: 0, results: encodeChunkResults(results) },
    block,
    0,
  ),
  rawLog(
    contracts.neighbourhoodSettlement,
    neighbourhoodSettlementAbi,
    "IntervalSettled",
    {
      neighbourhood: hood,
      interval,
      commitment: keccak256(toHex(`readings-${interval}`)),
      batchKey: keccak256(toHex(`batch-${interval}`)),
      meterCount: results.length,
      importWh: results.reduce((s, r) => s + r.importWh, 0n),
      exportWh: results.reduce((s, r) => s + r.exportWh, 0n),
      localWh: 0n,
    },
    block,
    1,
  ),
];

const count = async (store: ReadModelStore, table: string) =>
  Number((await allRows(store.db, sql`SELECT count(*) AS n FROM ${sql.table(table)}`))[0].n);
const first = async (store: ReadModelStore, table: string) =>
  (await allRows(store.db, sql`SELECT * FROM ${sql.table(table)}`))[0];

describe("the read model's indexer", () => {
  it("decodes every kept event and skips others", async () => {
    const { state, client } = fakeChain(14n);
    state.logs.push(
      rawLog(
        contracts.meterRegistry,
        meterRegistryAbi,
        "NeighbourhoodRegistered",
        {
          neighbourhood: hood,
          config: {
            exists: true,
            allocationKey: 1,
            tariffNoticeIntervals: 2688,
            contractNoticeIntervals: 96,
            costCap: true,
          },
        },
        10n,
      ),
      rawLog(contracts.meterRegistry, meterRegistryAbi, "ParticipantRegistered", { account: alice, number: 1 }, 11n, 0),
      registerMeter(0xa1, alice, 1, 11n, 1),
      registerMeter(0xb2, bob, 2, 11n, 2),
      rawLog(
        contracts.meterRegistry,
        meterRegistryAbi,
        "RoleGranted",
        {
          role: hex32(0),
          account: alice,
          sender: bob,
        },
        11n,
        3,
      ),
      // A log of the right shape from a contract not in the deployment.
      { ...registerMeter(0xc3, bob, 3, 11n, 4), address: "0x2000000000000000000000000000000000000000" },
      rawLog(
        contracts.tariffSchedule,
        tariffScheduleAbi,
        "TariffAnnounced",
        {
          neighbourhood: hood,
          effectiveFrom: 0n,
          tariff: TARIFF,
        },
        11n,
        5,
      ),
      rawLog(
        contracts.creditToken,
        creditTokenAbi,
        "ToppedUp",
        { account: alice, amount: 50_000_000n, repaid: 0n },
        12n,
      ),
      rawLog(contracts.creditToken, creditTokenAbi, "PaidOut", { account: alice, amount: 1_000_000n }, 12n, 1),
      ...settle(
        100n,
        [
          result(1, {
            importWh: 800n,
            exportWh: 50n,
            contractBoughtWh: 100n,
            poolBoughtWh: 200n,
            poolSoldWh: 20n,
            debit: 275_000n,
            credit: 7_370n,
          }),
          result(2, { exportWh: 300n, poolSoldWh: 200n, credit: 50_000n }),
        ],
        13n,
      ),
      rawLog(
        contracts.settlementCorrections,
        settlementCorrectionsAbi,
        "MeterCorrected",
        {
          neighbourhood: hood,
          interval: 100n,
          number: 1,
          importWh: 700,
          exportWh: 50,
          debit: 250_000n,
          credit: 7_370n,
          change: 25_000n,
          reason: "replacement value from the meter operator",
        },
        14n,
      ),
      rawLog(
        costCapAddress(),
        costCapAbi,
        "CostCapCredited",
        {
          neighbourhood: hood,
          month: 667,
          number: 1,
          paid: 900n,
          gridOnly: 800n,
          credited: 60n,
        },
        14n,
        1,
      ),
      rawLog(
        costCapAddress(),
        costCapAbi,
        "CostCapCredited",
        {
          neighbourhood: hood,
          month: 667,
          number: 1,
          paid: 1000n,
          gridOnly: 800n,
          credited: 200n,
        },
        14n,
        2,
      ),
    );
    const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
    const indexed = await createIndexer({ store, client, deployment: fakeDeployment }).catchUp();
    assert.equal(indexed.events, 12);

    assert.deepEqual(
      (await meterOwners(store.db)).map((o) => [o.owner, o.meters.map((m) => m.number)]),
      [
        [alice, [1]],
        [bob, [2]],
      ],
    );
    assert.deepEqual(await metersOf(store.db, alice.toLowerCase() as Address), [
      { meter: hex32(0xa1), neighbourhood: hood, owner: alice, number: 1 },
    ]);
    const [row, ...rest] = await householdRows(store.db, alice, 24);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...row, transactionHash: undefined },
      {
        neighbourhood: hood,
        interval: 100n,
        meter: hex32(0xa1),
        number: 1,
        importWh: 800n,
        exportWh: 50n,
        localBoughtWh: 300n,
        localSoldWh: 20n,
        debit: 275_000n,
        credit: 7_370n,
        fromGridWh: 500n,
        toGridWh: 30n,
        net: -267_630n,
        transactionHash: undefined,
      },
    );
    const [interval] = await settledIntervals(store.db, 50);
    assert.equal(interval.interval, 100n);
    assert.equal(interval.meterCount, 2);
    assert.equal(interval.importWh, 800n);
    assert.equal(interval.blockNumber, 13n);
    const tariff = (await first(store, "tariffs"))!;
    assert.equal(tariff.community_price, 250_000n);
    assert.equal(tariff.vat_basis_points, 1900n);
    const hoodRow = (await first(store, "neighbourhoods"))!;
    assert.deepEqual([hoodRow.allocation_key, hoodRow.tariff_notice_intervals, hoodRow.cost_cap], [1n, 2688n, 1n]);
    const correction = (await first(store, "corrections"))!;
    assert.deepEqual(
      [correction.import_wh, correction.change, correction.reason],
      [700n, 25_000n, "replacement value from the meter operator"],
    );
    assert.equal(await count(store, "participants"), 1);
    assert.equal(await count(store, "cost_cap_credits"), 2);
    // 50 € − 1 € + (0.007370 − 0.275000) € + 0.025 € correction + 0.000200 € cost cap (the newest total).
    assert.equal(await derivedPosition(store.db, alice), 50_000_000n - 1_000_000n - 267_630n + 25_000n + 200n);
    assert.equal(await derivedPosition(store.db, bob), 50_000n);
    await store.close();
  });

  it("reads in ranges of the configured size up to the head less the confirmations", async () => {
    const { state, client } = fakeChain(30n);
    const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
    const indexer = createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 8n, confirmations: 2n });
    const first = await indexer.catchUp();
    assert.deepEqual(state.ranges, [
      [10n, 17n],
      [18n, 25n],
      [26n, 28n],
    ]);
    assert.deepEqual([first.fromBlock, first.toBlock, first.ranges], [10n, 28n, 3]);
    assert.deepEqual(await indexer.catchUp(), { ranges: 0, events: 0 }, "nothing new, nothing asked");
    assert.equal(state.ranges.length, 3);
    await store.close();
  });

  it("resumes after a restart from the last indexed block, without duplicates", async () => {
    const location = await testStoreLocation("resume");
    const { state, client } = fakeChain(20n);
    state.logs.push(registerMeter(0xa1, alice, 1, 12n), ...settle(100n, [result(1, { debit: 5n })], 18n));
    let store = await openReadModelStore({ location });
    await createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 4n }).catchUp();
    assert.equal((await store.progress())?.lastBlock, 20n);
    await store.close();

    state.logs.push(...settle(101n, [result(1, { debit: 7n })], 23n));
    state.head = 25n;
    state.ranges.length = 0;
    store = await openReadModelStore({ location });
    const resumed = await createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 4n }).catchUp();
    assert.equal(resumed.rebuilt, undefined);
    assert.deepEqual(state.ranges, [
      [21n, 24n],
      [25n, 25n],
    ]);
    assert.deepEqual(
      (await householdRows(store.db, alice, 24)).map((r) => [r.interval, r.debit]),
      [
        [101n, 7n],
        [100n, 5n],
      ],
    );
    assert.equal(await count(store, "intervals"), 2);
    assert.equal(await count(store, "meters"), 1);
    await store.close();
  });

  it("writes a range in one transaction: a failure part way leaves none of it", async () => {
    const location = await testStoreLocation("atomic");
    const { state, client } = fakeChain(19n);
    state.logs.push(
      registerMeter(0xa1, alice, 1, 11n),
      // Second range (14…17): a good interval, then a meter result beyond 64 bits that cannot be stored.
      ...settle(100n, [result(1, { debit: 5n })], 14n),
      registerMeter(0xb2, bob, 2, 15n),
      ...settle(101n, [result(1, { debit: 2n ** 63n })], 16n),
    );
    const store = await openReadModelStore({ location });
    const indexer = createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 4n });
    await assert.rejects(indexer.catchUp(), (error: unknown) => {
      assert.ok(error instanceof ReadModelError);
      assert.match(error.message, /debit = 9223372036854775808 is outside 64 bits/);
      return true;
    });
    assert.equal((await store.progress())?.lastBlock, 13n, "the first range is in");
    assert.equal(await count(store, "meters"), 1, "bob's registration in the failed range is not");
    assert.equal(await count(store, "intervals"), 0);
    assert.equal(await count(store, "meter_intervals"), 0);

    // The chain moves on, the indexer tries again: the same range fails the same way, nothing half in.
    state.head = 25n;
    await assert.rejects(indexer.catchUp(), ReadModelError);
    assert.equal((await store.progress())?.lastBlock, 13n);
    assert.equal(await count(store, "meters"), 1);
    await store.close();
  });

  it("rebuilds a file of another chain, other contracts or a restarted chain, never mixes", async () => {
    const location = await testStoreLocation("identity");
    const { state, client } = fakeChain(12n);
    state.logs.push(registerMeter(0xa1, alice, 1, 11n));
    const indexWith = async (deployment = fakeDeployment, chain: IndexerClient = client) => {
      const store = await openReadModelStore({ location });
      try {
        const result = await createIndexer({ store, client: chain, deployment }).catchUp();
        return { result, meters: await count(store, "meters"), progress: await store.progress() };
      } finally {
        await store.close();
      }
    };
    assert.equal((await indexWith()).meters, 1);
    assert.equal((await indexWith()).result.rebuilt, undefined, "same deployment: resumed");

    const moved = {
      ...fakeDeployment,
      contracts: { ...contracts, meterRegistry: "0x3000000000000000000000000000000000000003" as Address },
    };
    const other = await indexWith(moved);
    assert.equal(other.result.rebuilt, "other contract addresses");
    assert.equal(other.meters, 0, "the old registry's meter is gone");
    assert.equal(other.progress?.contracts.meterRegistry, moved.contracts.meterRegistry);

    assert.equal((await indexWith()).result.rebuilt, "other contract addresses", "and back again");
    assert.equal((await indexWith({ ...fakeDeployment, chainId: 1337 })).result.rebuilt, "chain id 31337, not 1337");

    await indexWith();
    state.generation += 1; // the local chain restarted: same addresses, other blocks
    const restarted = await indexWith();
    assert.match(restarted.result.rebuilt ?? "", /another hash \(the chain was restarted\)/);
    assert.equal(restarted.meters, 1, "read again from the new chain");
  });

  it("notices a chain that changed under a running indexer and rebuilds", async () => {
    const { state, client } = fakeChain(12n);
    state.logs.push(registerMeter(0xa1, alice, 1, 11n));
    const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
    const indexer = createIndexer({ store, client, deployment: fakeDeployment });
    await indexer.catchUp();
    state.generation += 1;
    state.logs = [registerMeter(0xb2, bob, 1, 11n)];
    const result = await indexer.catchUp();
    assert.match(result.rebuilt ?? "", /block 12 has another hash/);
    assert.deepEqual(
      (await meterOwners(store.db)).map((o) => o.owner),
      [bob],
    );
    await store.close();
  });
});

function costCapAddress(): Address {
  return contracts.costCap;
}
