import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId, neighbourhoodSettlementAbi } from "@nachbarstrom/core";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  HttpRequestError,
  encodeErrorResult,
  type Hex,
  zeroAddress,
} from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { SettlementFailedError } from "./errors.ts";
import {
  classifyError,
  submitBatch,
  type RebroadcastOutcome,
  type SettleHooks,
  type SettlementPort,
  type SignedTransaction,
} from "./submit.ts";
import { HOOD, K, METER_ID, MP } from "./test-fixtures.ts";

const HOOD_ID = neighbourhoodId(HOOD);
const TX = `0x${"11".repeat(32)}` as Hex;
const EARLIER_TX = `0x${"22".repeat(32)}` as Hex;
const COMMITMENT = `0x${"33".repeat(32)}` as Hex;
const STALE_TX = `0x${"44".repeat(32)}` as Hex;

const batch: IntervalBatch = {
  neighbourhood: HOOD,
  neighbourhoodId: HOOD_ID,
  interval: K,
  commitment: COMMITMENT,
  meters: [{ meter: METER_ID[MP.b], importWh: 30n, exportWh: 0n }],
  readings: [],
  closedBy: "complete",
  missing: [],
};

const settleCall = {
  abi: neighbourhoodSettlementAbi,
  functionName: "settle",
  args: [batch.neighbourhoodId, batch.interval, batch.commitment, batch.meters],
};

/** A contract revert as viem reports it from simulateContract. */
function revert(
  errorName:
    | "SettlementIntervalAlreadySettled"
    | "SettlementIntervalInPreviousVersion"
    | "SettlementIntervalNotClosed"
    | "SettlementBatchEmpty",
): ContractFunctionExecutionError {
  const data =
    errorName === "SettlementBatchEmpty"
      ? encodeErrorResult({ abi: neighbourhoodSettlementAbi, errorName })
      : errorName === "SettlementIntervalInPreviousVersion"
        ? encodeErrorResult({ abi: neighbourhoodSettlementAbi, errorName, args: [HOOD_ID, K, zeroAddress] })
        : errorName === "SettlementIntervalNotClosed"
          ? encodeErrorResult({ abi: neighbourhoodSettlementAbi, errorName, args: [HOOD_ID, K, 1_000n] })
          : encodeErrorResult({ abi: neighbourhoodSettlementAbi, errorName, args: [HOOD_ID, K] });
  const cause = new ContractFunctionRevertedError({ abi: neighbourhoodSettlementAbi, data, functionName: "settle" });
  return new ContractFunctionExecutionError(cause, settleCall);
}

function unreachable(status?: number): ContractFunctionExecutionError {
  const cause = new HttpRequestError({ url: "http://127.0.0.1:1", details: "fetch failed", status });
  return new ContractFunctionExecutionError(cause, settleCall);
}

type FakeChain = { settled: boolean; commitment: Hex; settleFailures: unknown[]; receipt: "success" | "reverted" };

/** A settlement contract in memory with the contract's once-only rule; `log` lists the port's calls. */
function fakePort(chain: FakeChain): SettlementPort & { sent: number; log: string[] } {
  const port = {
    sent: 0,
    log: [] as string[],
    async settle(b: IntervalBatch, hooks?: SettleHooks) {
      port.log.push("settle");
      const failure = chain.settleFailures.shift();
      if (failure) throw failure;
      if (chain.settled) throw revert("SettlementIntervalAlreadySettled");
      hooks?.onSigned?.({ hash: TX, raw: "0x02aa", nonce: 1 });
      port.sent += 1;
      if (chain.receipt === "success") {
        chain.settled = true;
        chain.commitment = b.commitment;
      }
      return TX;
    },
    async afterSettled() {
      port.log.push("afterSettled");
    },
    async rebroadcast({ hash }: SignedTransaction): Promise<RebroadcastOutcome> {
      port.log.push(`rebroadcast ${hash.slice(0, 4)}`);
      const failure = chain.settleFailures.shift();
      if (failure) throw failure;
      return hash === STALE_TX ? "stale" : "mined";
    },
    async waitForReceipt(hash: Hex) {
      port.log.push(`receipt ${hash.slice(0, 4)}`);
      return { status: chain.receipt, blockNumber: 7n };
    },
    async settledRecord() {
      return { settledAt: chain.settled ? 1_700_000_000n : 0n, commitment: chain.commitment };
    },
    async findSettlement() {
      return chain.settled ? EARLIER_TX : undefined;
    },
  };
  return port;
}

const noWait = async () => {};

describe("submitBatch", () => {
  test("sends settle() and returns the transaction once the receipt is in", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: `0x${"00".repeat(32)}`,
      settleFailures: [],
      receipt: "success",
    };
    const port = fakePort(chain);
    const signed: SignedTransaction[] = [];
    const outcome = await submitBatch({ batch, port, sleep: noWait, onSigned: (t) => void signed.push(t) });
    assert.deepEqual(outcome, {
      neighbourhood: HOOD,
      interval: K,
      txHash: TX,
      alreadySettled: false,
      commitmentMatches: true,
    });
    assert.equal(port.sent, 1);
    assert.deepEqual(signed, [{ hash: TX, raw: "0x02aa", nonce: 1 }], "told of the transaction before it was sent");
    assert.deepEqual(port.log, ["settle", "receipt 0x11", "afterSettled"]);
  });

  test("waits while the chain's clock is before the interval's end, then settles", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: COMMITMENT,
      settleFailures: [revert("SettlementIntervalNotClosed"), revert("SettlementIntervalNotClosed")],
      receipt: "success",
    };
    const port = fakePort(chain);
    const outcome = await submitBatch({ batch, port, sleep: noWait });
    assert.equal(outcome.alreadySettled, false);
    assert.deepEqual(port.log, ["settle", "settle", "settle", "receipt 0x11", "afterSettled"]);
  });

  test("broadcasts transactions signed before again and awaits them before settling; stale ones are skipped", async () => {
    const chain: FakeChain = {
      settled: true,
      commitment: COMMITMENT,
      settleFailures: [unreachable()],
      receipt: "success",
    };
    const port = fakePort(chain);
    const signed = [
      { hash: EARLIER_TX, raw: "0x02bb", nonce: 3 },
      { hash: STALE_TX, raw: "0x02cc", nonce: 4 },
    ] as const;
    const outcome = await submitBatch({ batch, port, signed: [...signed], sleep: noWait });
    assert.equal(outcome.alreadySettled, true);
    assert.equal(outcome.txHash, EARLIER_TX);
    assert.deepEqual(port.log, [
      "rebroadcast 0x22", // the RPC was unreachable: tried again
      "rebroadcast 0x22",
      "receipt 0x22",
      "rebroadcast 0x44",
      "settle",
      "afterSettled",
    ]);
  });

  test("treats SettlementIntervalAlreadySettled as done, with the earlier transaction", async () => {
    const chain: FakeChain = { settled: true, commitment: COMMITMENT, settleFailures: [], receipt: "success" };
    const port = fakePort(chain);
    const outcome = await submitBatch({ batch, port, sleep: noWait });
    assert.deepEqual(outcome, {
      neighbourhood: HOOD,
      interval: K,
      txHash: EARLIER_TX,
      alreadySettled: true,
      commitmentMatches: true,
    });
    assert.equal(port.sent, 0, "nothing is sent a second time");
    assert.deepEqual(port.log, ["settle", "afterSettled"], "what follows a settled interval is still done");
  });

  test("reports when the earlier settlement carried another commitment", async () => {
    const chain: FakeChain = {
      settled: true,
      commitment: `0x${"44".repeat(32)}`,
      settleFailures: [],
      receipt: "success",
    };
    const outcome = await submitBatch({ batch, port: fakePort(chain), sleep: noWait });
    assert.equal(outcome.alreadySettled, true);
    assert.equal(outcome.commitmentMatches, false);
  });

  test("resubmission after a crash settles nothing twice", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: `0x${"00".repeat(32)}`,
      settleFailures: [],
      receipt: "success",
    };
    const port = fakePort(chain);
    const first = await submitBatch({ batch, port, sleep: noWait });
    const again = await submitBatch({ batch, port, sleep: noWait });
    assert.equal(first.alreadySettled, false);
    assert.equal(again.alreadySettled, true);
    assert.equal(port.sent, 1);
  });

  test("retries with exponential backoff while the RPC is unreachable", async () => {
    const failures = [unreachable(), unreachable(), unreachable(503), unreachable()];
    const chain: FakeChain = { settled: false, commitment: COMMITMENT, settleFailures: failures, receipt: "success" };
    const waits: number[] = [];
    const retries: number[] = [];
    const outcome = await submitBatch({
      batch,
      port: fakePort(chain),
      retry: { initialDelayMs: 100, maxDelayMs: 500 },
      sleep: async (ms) => void waits.push(ms),
      onRetry: ({ attempt }) => void retries.push(attempt),
    });
    assert.equal(outcome.txHash, TX);
    assert.deepEqual(waits, [100, 200, 400, 500]);
    assert.deepEqual(retries, [1, 2, 3, 4]);
  });

  test("gives up after maxAttempts with a SettlementFailedError that keeps the cause", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: COMMITMENT,
      settleFailures: [unreachable(), unreachable()],
      receipt: "success",
    };
    await assert.rejects(
      submitBatch({ batch, port: fakePort(chain), retry: { maxAttempts: 2 }, sleep: noWait }),
      (error) => {
        assert.ok(error instanceof SettlementFailedError);
        assert.equal(error.shortMessage, `Settlement of ${HOOD} interval ${K} failed`);
        assert.match(error.details ?? "", /unreachable for 2 attempts/);
        assert.ok(error.cause instanceof ContractFunctionExecutionError);
        return true;
      },
    );
  });

  test("does not retry other contract errors", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: COMMITMENT,
      settleFailures: [revert("SettlementBatchEmpty")],
      receipt: "success",
    };
    let waited = false;
    await assert.rejects(
      submitBatch({ batch, port: fakePort(chain), sleep: async () => void (waited = true) }),
      SettlementFailedError,
    );
    assert.equal(waited, false);
  });

  test("a reverted receipt counts as done when the interval has settled meanwhile", async () => {
    const chain: FakeChain = { settled: false, commitment: COMMITMENT, settleFailures: [], receipt: "reverted" };
    const port = fakePort(chain);
    port.waitForReceipt = async () => {
      chain.settled = true; // another submission won the race
      return { status: "reverted", blockNumber: 8n };
    };
    const outcome = await submitBatch({ batch, port, sleep: noWait });
    assert.equal(outcome.alreadySettled, true);
  });

  test("a reverted receipt of an unsettled interval is an error", async () => {
    const chain: FakeChain = { settled: false, commitment: COMMITMENT, settleFailures: [], receipt: "reverted" };
    await assert.rejects(submitBatch({ batch, port: fakePort(chain), sleep: noWait }), /reverted/);
  });

  test("stops waiting when aborted", async () => {
    const chain: FakeChain = {
      settled: false,
      commitment: COMMITMENT,
      settleFailures: [unreachable()],
      receipt: "success",
    };
    const abort = new AbortController();
    const pending = submitBatch({ batch, port: fakePort(chain), signal: abort.signal, onRetry: () => abort.abort() });
    await assert.rejects(pending, /was stopped/);
  });
});

describe("classifyError", () => {
  test("sorts failures", () => {
    assert.equal(classifyError(revert("SettlementIntervalAlreadySettled")), "already-settled");
    assert.equal(classifyError(revert("SettlementIntervalInPreviousVersion")), "already-settled");
    assert.equal(classifyError(revert("SettlementBatchEmpty")), "fatal");
    assert.equal(classifyError(revert("SettlementIntervalNotClosed")), "too-early");
    assert.equal(classifyError(unreachable()), "unreachable");
    assert.equal(classifyError(unreachable(502)), "unreachable");
    assert.equal(classifyError(unreachable(401)), "fatal");
    assert.equal(classifyError(new Error("boom")), "fatal");
  });
});
