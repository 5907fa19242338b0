import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId, neighbourhoodSettlementAbi } from "@nachbarstrom/core";
import { ContractFunctionExecutionError, HttpRequestError, type Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import type { SignedTransaction } from "./submit.ts";
import { createOutbox } from "./outbox.ts";
import { createOutboxSettler } from "./outbox-settler.ts";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { openStore } from "./store.ts";
import { createFakeChain, settlementKey, type FakeChainHooks } from "./test-chain.ts";
import { HOOD, K, METER_ID, MP } from "./test-fixtures.ts";

function batchOf(interval: bigint): IntervalBatch {
  return {
    neighbourhood: HOOD,
    neighbourhoodId: neighbourhoodId(HOOD),
    interval,
    commitment: `0x${interval.toString(16).padStart(64, "0")}`,
    meters: [{ meter: METER_ID[MP.a], importWh: interval - K + 1n, exportWh: 0n }],
    readings: [],
    closedBy: "complete",
    missing: [],
  };
}

async function setup(hooks: FakeChainHooks = {}) {
  const store = await openStore({ location: await testStoreLocation("bridge") });
  const outbox = createOutbox(store);
  const chain = createFakeChain({ hooks });
  return { store, outbox, chain };
}

const noWait = async () => {};
const unreachable = () =>
  new ContractFunctionExecutionError(new HttpRequestError({ url: "http://127.0.0.1:9", details: "fetch failed" }), {
    abi: neighbourhoodSettlementAbi,
    functionName: "settle",
  });

describe(`outbox settler (${testDialect})`, () => {
  test("settles the open entries oldest first, recording each hash before its receipt is read", async () => {
    const seenAtReceipt: (string | undefined)[] = [];
    const { outbox, chain, store } = await setup({
      beforeReceipt: async (hash) => {
        const open = await outbox.next();
        seenAtReceipt.push(`${open?.status} ${open?.txHash === hash}`);
      },
    });
    await outbox.enqueue(batchOf(K));
    await outbox.enqueue(batchOf(K + 1n));
    // No callbacks: the outbox must be updated all the same.
    await createOutboxSettler({ outbox, port: chain }).drain();
    assert.deepEqual(seenAtReceipt, ["submitted true", "submitted true"]);
    assert.deepEqual(await outbox.counts(), {
      pending: 0,
      submitted: 0,
      confirmed: 2,
      "already-settled": 0,
      failed: 0,
    });
    assert.equal(
      (await outbox.get(HOOD, K))?.txHash,
      chain.state().settlements[settlementKey(batchOf(K).neighbourhoodId, K)].txHash,
    );
    await store.close();
  });

  /** A transaction signed for the batch (by a bridge that then crashed), not broadcast to `chain`. */
  async function signedElsewhere(batch: IntervalBatch): Promise<SignedTransaction> {
    let transaction: SignedTransaction | undefined;
    await createFakeChain({ signer: "crashed bridge" }).settle(batch, { onSigned: (t) => void (transaction = t) });
    assert.ok(transaction);
    return transaction;
  }

  test("a submitted entry whose transaction was mined is confirmed by it, nothing sent again", async () => {
    const { outbox, chain, store } = await setup();
    const { entry } = await outbox.enqueue(batchOf(K));
    // Signed, stored and broadcast before a crash.
    const hash = await chain.settle(batchOf(K), {
      onSigned: async (t) => void (await outbox.recordSigned(entry.id, t)),
    });
    const settled: unknown[] = [];
    await createOutboxSettler({ outbox, port: chain, onSettled: (_, outcome) => settled.push(outcome) }).drain();
    assert.deepEqual(settled, [
      { neighbourhood: HOOD, interval: K, txHash: hash, alreadySettled: false, commitmentMatches: true },
    ]);
    assert.deepEqual(Object.keys(chain.state().transactions), [hash], "one transaction mined");
    assert.equal((await outbox.get(HOOD, K))?.status, "confirmed");
    await store.close();
  });

  test("a transaction signed and stored but never broadcast is broadcast from the outbox, not signed anew", async () => {
    const { outbox, chain, store } = await setup();
    const { entry } = await outbox.enqueue(batchOf(K));
    const stored = await signedElsewhere(batchOf(K));
    await outbox.recordSigned(entry.id, stored);
    await createOutboxSettler({ outbox, port: chain, sleep: noWait }).drain();
    const key = settlementKey(batchOf(K).neighbourhoodId, K);
    assert.equal(chain.state().settlements[key].txHash, stored.hash, "the stored transaction settled it");
    assert.deepEqual(Object.keys(chain.state().transactions), [stored.hash]);
    assert.deepEqual(
      [(await outbox.get(HOOD, K))?.status, (await outbox.get(HOOD, K))?.txHash],
      ["confirmed", stored.hash],
    );
    assert.equal(chain.state().followUps[key], 1, "afterSettled once");
    await store.close();
  });

  test("a stored transaction another settlement made stale ends as already-settled with that one", async () => {
    const { outbox, chain, store } = await setup();
    const { entry } = await outbox.enqueue(batchOf(K));
    await outbox.recordSigned(entry.id, await signedElsewhere(batchOf(K)));
    const other = await chain.settle(batchOf(K)); // e.g. a second bridge
    await createOutboxSettler({ outbox, port: chain, sleep: noWait }).drain();
    assert.deepEqual(
      [(await outbox.get(HOOD, K))?.status, (await outbox.get(HOOD, K))?.txHash],
      ["already-settled", other],
    );
    assert.deepEqual(Object.keys(chain.state().transactions), [other]);
    await store.close();
  });

  test("an interval the chain settled by a transaction the outbox does not know is already-settled", async () => {
    const { outbox, chain, store } = await setup();
    const earlier = await chain.settle(batchOf(K)); // sent before a crash, hash never recorded
    await outbox.enqueue(batchOf(K));
    await createOutboxSettler({ outbox, port: chain }).drain();
    const entry = await outbox.get(HOOD, K);
    assert.deepEqual([entry?.status, entry?.txHash, entry?.commitmentMatches], ["already-settled", earlier, true]);
    assert.equal(chain.state().attempts[settlementKey(batchOf(K).neighbourhoodId, K)], 2, "the second was refused");
    await store.close();
  });

  test("a failure retrying cannot fix marks the entry failed and the next one goes on", async () => {
    const { outbox, chain, store } = await setup({
      beforeSettle: (batch) => {
        if (batch.interval === K) throw new Error("execution reverted: missing role");
      },
    });
    await outbox.enqueue(batchOf(K));
    await outbox.enqueue(batchOf(K + 1n));
    const failed: string[] = [];
    await createOutboxSettler({ outbox, port: chain, onFailed: (entry) => failed.push(entry.error ?? "") }).drain();
    assert.deepEqual(failed, [`Settlement of ${HOOD} interval ${K} failed: execution reverted: missing role`]);
    assert.equal((await outbox.get(HOOD, K))?.status, "failed");
    assert.equal((await outbox.get(HOOD, K + 1n))?.status, "confirmed");
    await store.close();
  });

  test("while the chain is unreachable it retries; a stop leaves the entry open for the next start", async () => {
    const { outbox, chain, store } = await setup({
      beforeSettle: () => {
        throw unreachable();
      },
    });
    await outbox.enqueue(batchOf(K));
    const abort = new AbortController();
    const waits: number[] = [];
    await createOutboxSettler({
      outbox,
      port: chain,
      signal: abort.signal,
      retry: { initialDelayMs: 10 },
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) abort.abort();
      },
    }).drain();
    assert.deepEqual(waits, [10, 20, 40]);
    assert.equal((await outbox.get(HOOD, K))?.status, "pending");
    await store.close();
  });

  test("a drain started while one runs joins it and picks up what was added meanwhile", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { outbox, chain, store } = await setup({ beforeSettle: () => gate });
    const settler = createOutboxSettler({ outbox, port: chain });
    await outbox.enqueue(batchOf(K));
    const first = settler.drain();
    await outbox.enqueue(batchOf(K + 1n));
    assert.equal(settler.drain(), first);
    release();
    await first;
    assert.equal((await outbox.counts()).confirmed, 2);
    await store.close();
  });
});
