import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId, neighbourhoodSettlementAbi } from "@nachbarstrom/core";
import { ContractFunctionExecutionError, HttpRequestError, type Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { createOutbox } from "./outbox.ts";
import { createOutboxSettler } from "./outbox-settler.ts";
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

function setup(hooks: FakeChainHooks = {}) {
  const store = openStore({ file: ":memory:" });
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

describe("outbox settler", () => {
  test("settles the open entries oldest first, recording each hash before its receipt is read", async () => {
    const seenAtReceipt: (string | undefined)[] = [];
    const { outbox, chain, store } = setup({
      beforeReceipt: (hash) => void seenAtReceipt.push(`${outbox.next()?.status} ${outbox.next()?.txHash === hash}`),
    });
    outbox.enqueue(batchOf(K));
    outbox.enqueue(batchOf(K + 1n));
    // No callbacks: the outbox must be updated all the same.
    await createOutboxSettler({ outbox, port: chain }).drain();
    assert.deepEqual(seenAtReceipt, ["submitted true", "submitted true"]);
    assert.deepEqual(outbox.counts(), { pending: 0, submitted: 0, confirmed: 2, "already-settled": 0, failed: 0 });
    assert.equal(
      outbox.get(HOOD, K)?.txHash,
      chain.state().settlements[settlementKey(batchOf(K).neighbourhoodId, K)].txHash,
    );
    store.close();
  });

  test("a submitted entry with a successful receipt is confirmed without sending again", async () => {
    const { outbox, chain, store } = setup();
    const hash = await chain.settle(batchOf(K)); // sent before a crash
    outbox.markSubmitted(outbox.enqueue(batchOf(K)).entry.id, hash);
    const settled: unknown[] = [];
    await createOutboxSettler({ outbox, port: chain, onSettled: (_, outcome) => settled.push(outcome) }).drain();
    assert.deepEqual(settled, [
      { neighbourhood: HOOD, interval: K, txHash: hash, alreadySettled: false, commitmentMatches: true },
    ]);
    assert.equal(chain.state().attempts[settlementKey(batchOf(K).neighbourhoodId, K)], 1);
    assert.equal(outbox.get(HOOD, K)?.status, "confirmed");
    store.close();
  });

  test("a submitted entry whose transaction never arrived is sent again", async () => {
    const { outbox, chain, store } = setup();
    const lost = `0x${"99".repeat(32)}` as Hex;
    outbox.markSubmitted(outbox.enqueue(batchOf(K)).entry.id, lost);
    await createOutboxSettler({ outbox, port: chain, sleep: noWait }).drain();
    const entry = outbox.get(HOOD, K);
    assert.equal(entry?.status, "confirmed");
    assert.notEqual(entry?.txHash, lost);
    store.close();
  });

  test("an interval the chain settled by a transaction the outbox does not know is already-settled", async () => {
    const { outbox, chain, store } = setup();
    const earlier = await chain.settle(batchOf(K)); // sent before a crash, hash never recorded
    outbox.enqueue(batchOf(K));
    await createOutboxSettler({ outbox, port: chain }).drain();
    const entry = outbox.get(HOOD, K);
    assert.deepEqual([entry?.status, entry?.txHash, entry?.commitmentMatches], ["already-settled", earlier, true]);
    assert.equal(chain.state().attempts[settlementKey(batchOf(K).neighbourhoodId, K)], 2, "the second was refused");
    store.close();
  });

  test("a failure retrying cannot fix marks the entry failed and the next one goes on", async () => {
    const { outbox, chain, store } = setup({
      beforeSettle: (batch) => {
        if (batch.interval === K) throw new Error("execution reverted: missing role");
      },
    });
    outbox.enqueue(batchOf(K));
    outbox.enqueue(batchOf(K + 1n));
    const failed: string[] = [];
    await createOutboxSettler({ outbox, port: chain, onFailed: (entry) => failed.push(entry.error ?? "") }).drain();
    assert.deepEqual(failed, [`Settlement of ${HOOD} interval ${K} failed: execution reverted: missing role`]);
    assert.equal(outbox.get(HOOD, K)?.status, "failed");
    assert.equal(outbox.get(HOOD, K + 1n)?.status, "confirmed");
    store.close();
  });

  test("while the chain is unreachable it retries; a stop leaves the entry open for the next start", async () => {
    const { outbox, chain, store } = setup({
      beforeSettle: () => {
        throw unreachable();
      },
    });
    outbox.enqueue(batchOf(K));
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
    assert.equal(outbox.get(HOOD, K)?.status, "pending");
    store.close();
  });

  test("a drain started while one runs joins it and picks up what was added meanwhile", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { outbox, chain, store } = setup({ beforeSettle: () => gate });
    const settler = createOutboxSettler({ outbox, port: chain });
    outbox.enqueue(batchOf(K));
    const first = settler.drain();
    outbox.enqueue(batchOf(K + 1n));
    assert.equal(settler.drain(), first);
    release();
    await first;
    assert.equal(outbox.counts().confirmed, 2);
    store.close();
  });
});
