import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { meterRegistryAbi, neighbourhoodSettlementAbi, powerContractsAbi } from "@nachbarstrom/core/abi";
import { contractDeliveries } from "@nachbarstrom/core/contract-deliveries";
import type { ChunkResult } from "@nachbarstrom/core/packed";
import { settleInterval } from "@nachbarstrom/core/settlement";
import { DEMO_TARIFF } from "@nachbarstrom/core/demo";
import { openStore } from "@nachbarstrom/core/database";
import { testStoreLocation } from "@nachbarstrom/core/database/test";
import type { Address } from "viem";
import { encodeChunkResults } from "../fake-logs.test-helper.ts";
import { contractById, contractsOf, deliveriesSince } from "./contract-queries.ts";
import { fakeChain, fakeDeployment, hex32, rawLog } from "./fake-chain.test-helper.ts";
import { createIndexer } from "./indexer.ts";
import { MIGRATIONS } from "./schema.ts";
import { openReadModelStore, READ_MODEL_DATABASE } from "./store.ts";
import type { ReadModelTables } from "./tables.ts";

const { contracts } = fakeDeployment;
const hood = hex32(0x11);
const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const carol: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
// fakeChain: block b is at 90,000 + 12·b seconds, so blocks 0…74 are in interval 100, 75…149 in 101.
const intervalOfBlock = (block: bigint) => (90_000n + block * 12n) / 900n;

const registerMeter = (meter: number, owner: Address, number: number, block: bigint, logIndex: number) =>
  rawLog(
    contracts.meterRegistry,
    meterRegistryAbi,
    "MeterRegistered",
    { meter: hex32(meter), neighbourhood: hood, owner, number },
    block,
    logIndex,
  );

const offer = (
  id: bigint,
  seller: number,
  buyer: number,
  capWh: number,
  from: bigint,
  until: bigint,
  block: bigint,
) => {
  const terms = {
    neighbourhood: hood,
    seller: hex32(0xa0 + seller),
    buyer: hex32(0xa0 + buyer),
    sellerNumber: seller,
    buyerNumber: buyer,
    pricePerKwh: 220_000,
    capWh,
    validFrom: Number(from),
    validUntil: Number(until),
    status: 1,
  };
  return rawLog(
    contracts.powerContracts,
    powerContractsAbi,
    "PowerContractOffered",
    { id, seller: terms.seller, buyer: terms.buyer, terms },
    block,
  );
};
const accept = (id: bigint, block: bigint) =>
  rawLog(contracts.powerContracts, powerContractsAbi, "PowerContractAccepted", { id }, block);
const end = (id: bigint, validUntil: bigint, block: bigint) =>
  rawLog(contracts.powerContracts, powerContractsAbi, "PowerContractEnded", { id, validUntil }, block);

/** One interval's energy per meter number: alice's meter 1 has PV, bob's 2 and carol's 3 buy. */
const ENERGY: [number, bigint, bigint][] = [
  [1, 10n, 900n],
  [2, 400n, 0n],
  [3, 700n, 0n],
];

/** The chunk as the chain settles it with `active` contracts, emitted in `block`. */
function settled(interval: bigint, active: Parameters<typeof settleInterval>[0]["contracts"], block: bigint) {
  const result = settleInterval({
    tariff: DEMO_TARIFF,
    meters: ENERGY.map(([number, importWh, exportWh]) => ({ number, importWh, exportWh })),
    contracts: active,
  });
  assert.equal(result.chunks.length, 1);
  return {
    results: result.chunks[0] as ChunkResult[],
    log: rawLog(
      contracts.neighbourhoodSettlement,
      neighbourhoodSettlementAbi,
      "ChunkSettled",
      { neighbourhood: hood, interval, chunk: 0, results: encodeChunkResults(result.chunks[0]) },
      block,
    ),
  };
}

const terms = (id: bigint, seller: number, buyer: number, capWh: bigint) => ({
  id,
  seller,
  buyer,
  pricePerKwh: 220_000n,
  capWh,
});

describe("the read model's power contracts", () => {
  /**
   * Contract 1 (alice → bob, 300 Wh) offered from interval 101 and accepted in block 80 (interval 101):
   * it serves from 102. Contract 2 (alice → carol, 800 Wh) accepted in block 20, ended in block 170
   * with validUntil 104. Contract 3 offered and withdrawn.
   */
  function history() {
    const one = terms(1n, 1, 2, 300n);
    const two = terms(2n, 1, 3, 800n);
    const i101 = settled(101n, [two], 160n);
    const i102 = settled(102n, [one, two], 161n);
    const i104 = settled(104n, [one], 180n);
    return {
      logs: [
        registerMeter(0xa1, alice, 1, 11n, 0),
        registerMeter(0xa2, bob, 2, 11n, 1),
        registerMeter(0xa3, carol, 3, 11n, 2),
        offer(1n, 1, 2, 300, 101n, 200n, 12n),
        offer(2n, 1, 3, 800, 101n, 200n, 13n),
        accept(2n, 20n),
        offer(3n, 1, 3, 50, 150n, 200n, 21n),
        end(3n, 150n, 22n),
        accept(1n, 80n),
        i101.log,
        i102.log,
        end(2n, 104n, 170n),
        i104.log,
      ],
      chunks: new Map([
        [101n, i101.results],
        [102n, i102.results],
        [104n, i104.results],
      ]),
    };
  }

  it("applies offers, acceptances and ends as the contract does, and records each delivery", async () => {
    const { state, client } = fakeChain(200n);
    const { logs, chunks } = history();
    state.logs.push(...logs);
    const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
    await createIndexer({ store, client, deployment: fakeDeployment }).catchUp();

    assert.equal(intervalOfBlock(80n), 101n);
    const one = (await contractById(store.db, 1n))!;
    assert.deepEqual([one.status, one.validFrom, one.validUntil, one.endRequested], ["active", 102n, 200n, false]);
    const two = (await contractById(store.db, 2n))!;
    assert.deepEqual([two.status, two.validFrom, two.validUntil, two.endRequested], ["active", 101n, 104n, true]);
    const three = (await contractById(store.db, 3n))!;
    assert.deepEqual([three.status, three.validUntil], ["ended", 150n]);

    assert.deepEqual(
      (await deliveriesSince(store.db, [1n, 2n, 3n], 0n)).map((d) => [d.id, d.interval, d.wh]),
      [
        [2n, 101n, 700n], // carol needs 700
        [1n, 102n, 300n], // by id: contract 1 first
        [2n, 102n, 600n], // what alice has left
        [1n, 104n, 300n], // contract 2 has ended
      ],
    );
    // Each delivery agrees with what the chain booked per meter, and with core's computation.
    for (const [interval, results] of chunks) {
      const rows = (await deliveriesSince(store.db, [1n, 2n], interval)).filter((d) => d.interval === interval);
      const bought = (n: number) => results.find((r) => r.number === n)!.contractBoughtWh;
      const byId = (id: bigint) => rows.find((r) => r.id === id)?.wh ?? 0n;
      assert.equal(byId(1n), bought(2), `interval ${interval}: bob`);
      assert.equal(byId(2n), bought(3), `interval ${interval}: carol`);
    }
    assert.deepEqual(
      contractDeliveries({ meters: chunks.get(102n)!, contracts: [terms(1n, 1, 2, 300n), terms(2n, 1, 3, 800n)] }).map(
        (d) => d.wh,
      ),
      [300n, 600n],
    );
    assert.deepEqual(
      (await contractsOf(store.db, bob)).map((c) => [c.id, c.deliveredWh, c.sellerOwner]),
      [[1n, 600n, alice]],
    );
    assert.deepEqual(
      (await contractsOf(store.db, alice.toLowerCase() as Address)).map((c) => c.id),
      [3n, 2n, 1n],
    );
    await store.close();
  });

  it("gives the same result when resumed between ranges and when rebuilt", async () => {
    const location = await testStoreLocation("resume");
    const { state, client } = fakeChain(200n);
    state.logs.push(...history().logs);
    const whole = await openReadModelStore({ location: await testStoreLocation("read-model") });
    await createIndexer({ store: whole, client, deployment: fakeDeployment }).catchUp();
    const expected = await deliveriesSince(whole.db, [1n, 2n], 0n);
    await whole.close();

    state.head = 100n;
    let store = await openReadModelStore({ location });
    await createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 7n }).catchUp();
    await store.close();
    state.head = 200n;
    store = await openReadModelStore({ location });
    const resumed = await createIndexer({ store, client, deployment: fakeDeployment, rangeBlocks: 7n }).catchUp();
    assert.equal(resumed.rebuilt, undefined);
    assert.deepEqual(await deliveriesSince(store.db, [1n, 2n], 0n), expected);
    await store.close();

    state.generation += 1; // a restarted chain: rebuilt from the deployment block
    store = await openReadModelStore({ location });
    const rebuilt = await createIndexer({ store, client, deployment: fakeDeployment }).catchUp();
    assert.match(rebuilt.rebuilt ?? "", /another hash/);
    assert.deepEqual(await deliveriesSince(store.db, [1n, 2n], 0n), expected);
    assert.equal((await contractsOf(store.db, carol)).length, 2);
    await store.close();
  });

  it("reads a file indexed before migration 3 again from the deployment block", async () => {
    const location = await testStoreLocation("before-contracts");
    const { state, client } = fakeChain(200n);
    state.logs.push(...history().logs);
    const old = await openStore<ReadModelTables>({
      location,
      kind: READ_MODEL_DATABASE,
      migrations: MIGRATIONS.slice(0, 2),
    });
    await old.db
      .insertInto("progress")
      .values({
        id: 1n,
        chain_id: 31337n,
        contracts: "{}",
        deployed_at_block: 10n,
        deployment_block_hash: "0x",
        last_block: 200n,
        last_block_hash: null,
      })
      .execute();
    await old.db
      .insertInto("participants")
      .values({ account: alice, number: 1n, block_number: 11n, log_index: 0n, transaction_hash: "0x" })
      .execute();
    await old.close();

    const store = await openReadModelStore({ location });
    assert.equal(await store.progress(), undefined, "migration 3 forgets the progress");
    const result = await createIndexer({ store, client, deployment: fakeDeployment }).catchUp();
    assert.equal(result.rebuilt, "the read model is new");
    assert.equal((await deliveriesSince(store.db, [1n, 2n], 0n)).length, 4);
    assert.deepEqual(await store.db.selectFrom("participants").selectAll().execute(), [], "emptied first");
    await store.close();
  });
});
