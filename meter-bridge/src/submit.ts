import { setTimeout as delay } from "node:timers/promises";
import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  WaitForTransactionReceiptTimeoutError,
  type Hex,
} from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { IntervalAlreadySettledError, SettlementFailedError } from "./errors.ts";

/** A transaction signed by the bridge, as stored before it is broadcast (outbox.ts). */
export type SignedTransaction = { hash: Hex; raw: Hex; nonce: number };

/** What rebroadcasting a stored transaction found: sent (again), already mined, or its nonce used by another. */
export type RebroadcastOutcome = "sent" | "mined" | "stale";

export type SettleHooks = {
  /** Told of each transaction once signed and before it is broadcast; it must be stored durably by then. */
  onSigned?: (transaction: SignedTransaction) => void | Promise<void>;
};

/** What the submitter needs from the chain; chain-client.ts implements it with viem. */
export type SettlementPort = {
  /**
   * Sends the batch's chunks not yet on chain: each is simulated, signed, handed to onSigned, then
   * broadcast. Resolves to the hash of the last transaction sent.
   * @throws IntervalAlreadySettledError when the interval had settled before.
   */
  settle(batch: IntervalBatch, hooks?: SettleHooks): Promise<Hex>;
  /** What must follow a settled interval, e.g. closing the previous billing month; idempotent. */
  afterSettled(batch: IntervalBatch, hooks?: SettleHooks): Promise<void>;
  /** Sends a stored signed transaction again, e.g. after a restart of the bridge or the chain node. */
  rebroadcast(transaction: SignedTransaction): Promise<RebroadcastOutcome>;
  waitForReceipt(hash: Hex): Promise<{ status: "success" | "reverted"; blockNumber: bigint }>;
  /** The contract's record of an interval; settledAt is 0n while it has not settled. */
  settledRecord(neighbourhoodId: Hex, interval: bigint): Promise<{ settledAt: bigint; commitment: Hex }>;
  /** Hash of the transaction that settled the interval, from its IntervalSettled event. */
  findSettlement(neighbourhoodId: Hex, interval: bigint): Promise<Hex | undefined>;
};

export type RetryPolicy = {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, including the first; Infinity: retry as long as the RPC is unreachable. */
  maxAttempts: number;
};

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: Infinity };

export type RetryOptions = {
  retry?: Partial<RetryPolicy>;
  /** Aborts the waiting between retries, e.g. when the Node-RED node closes. */
  signal?: AbortSignal;
  /** Told before each wait for the RPC to come back. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Waits `ms`; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

export type SubmitBatchParameters = RetryOptions &
  SettleHooks & {
    batch: IntervalBatch;
    port: SettlementPort;
    /** Transactions signed for this batch before (stored in the outbox): broadcast again and awaited first. */
    signed?: readonly SignedTransaction[];
  };

export type SubmitBatchReturnType = {
  neighbourhood: string;
  interval: bigint;
  /** The transaction that settled the interval (when already settled: the earlier one, if found). */
  txHash: Hex | null;
  /** True when the interval had settled before, e.g. by a submission before a crash. */
  alreadySettled: boolean;
  /** False when the interval settled earlier with a different commitment than this batch's. */
  commitmentMatches: boolean;
};

/**
 * already-settled: done; unreachable: the RPC did not answer (wait and retry); too-early: the chain's
 * clock has not passed the interval's end yet (its next blocks will: wait and retry); fatal: give up.
 */
export type ErrorKind = "already-settled" | "unreachable" | "too-early" | "fatal";

/**
 * Settles one batch exactly once. Transactions signed before (e.g. before a crash, or before the chain
 * node restarted and forgot its pending ones) are broadcast again and awaited; then settle() sends the
 * chunks still missing, each signed and handed to onSigned before it is broadcast. The interval having
 * settled already counts as done, never as a second count; what follows a settled interval
 * (afterSettled) is sent either way. While the RPC is unreachable every step is retried with
 * exponential backoff; any other failure is thrown as SettlementFailedError.
 */
export async function submitBatch({
  batch,
  port,
  signed = [],
  onSigned,
  ...options
}: SubmitBatchParameters): Promise<SubmitBatchReturnType> {
  const label = `${batch.neighbourhood} interval ${batch.interval}`;
  const attempt = <T>(step: () => Promise<T>) => retrying(label, step, options);
  for (const transaction of signed) {
    const found = await attempt(() => port.rebroadcast(transaction));
    // A stale one's nonce went to another transaction: it can never be mined; settle() signs anew.
    if (found !== "stale") await attempt(() => port.waitForReceipt(transaction.hash));
  }
  const outcome = await attempt(async () => {
    let hash: Hex;
    try {
      hash = await port.settle(batch, { onSigned });
    } catch (error) {
      if (classifyError(error) === "already-settled") return alreadySettled(batch, port);
      throw error;
    }
    const receipt = await port.waitForReceipt(hash);
    if (receipt.status === "success") {
      const { neighbourhood, interval } = batch;
      return { neighbourhood, interval, txHash: hash, alreadySettled: false, commitmentMatches: true };
    }
    // Reverted on chain after a successful simulation: another submission may have won the race.
    const record = await port.settledRecord(batch.neighbourhoodId, batch.interval);
    if (record.settledAt > 0n) return alreadySettled(batch, port);
    throw new SettlementFailedError(`Settlement of ${label} reverted`, { details: `transaction ${hash}` });
  });
  await attempt(() => port.afterSettled(batch, { onSigned }));
  return outcome;
}

/**
 * Runs `step` until it succeeds, retrying with exponential backoff while the RPC is unreachable
 * (classifyError); a SettlementFailedError or any other failure ends it as SettlementFailedError.
 */
export async function retrying<T>(
  label: string,
  step: () => Promise<T>,
  { retry, signal, onRetry, sleep = (ms, s) => delay(ms, undefined, { signal: s }) }: RetryOptions = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...retry };
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof SettlementFailedError) throw error;
      const kind = classifyError(error);
      const waiting = kind === "unreachable" || kind === "too-early";
      if (!waiting || attempt >= policy.maxAttempts || signal?.aborted) {
        throw new SettlementFailedError(`Settlement of ${label} failed`, {
          details:
            kind === "unreachable"
              ? `the RPC stayed unreachable for ${attempt} attempts: ${describe(error)}`
              : kind === "too-early"
                ? `the chain's clock stayed before the interval's end for ${attempt} attempts: ${describe(error)}`
                : describe(error),
          cause: error,
        });
      }
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      onRetry?.({ attempt, delayMs, error });
      try {
        await sleep(delayMs, signal);
      } catch (cause) {
        throw new SettlementFailedError(`Settlement of ${label} was stopped`, {
          details: "the bridge stopped while waiting for the RPC",
          cause,
        });
      }
    }
  }
}

async function alreadySettled(batch: IntervalBatch, port: SettlementPort): Promise<SubmitBatchReturnType> {
  const [record, txHash] = await Promise.all([
    port.settledRecord(batch.neighbourhoodId, batch.interval),
    port.findSettlement(batch.neighbourhoodId, batch.interval),
  ]);
  return {
    neighbourhood: batch.neighbourhood,
    interval: batch.interval,
    txHash: txHash ?? null,
    alreadySettled: true,
    commitmentMatches: record.commitment.toLowerCase() === batch.commitment.toLowerCase(),
  };
}

/** Sorts a failure into the kinds of ErrorKind. */
export function classifyError(error: unknown): ErrorKind {
  if (error instanceof IntervalAlreadySettledError) return "already-settled";
  if (!(error instanceof BaseError)) return "fatal";
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    // Settled here, or (after an upgrade, ADR 0009) by the contract version this one replaced.
    const done = ["SettlementIntervalAlreadySettled", "SettlementIntervalInPreviousVersion"];
    if (done.includes(reverted.data?.errorName ?? "")) return "already-settled";
    // The meters' clocks passed the end, the chain's block time not yet (a chain whose clock follows
    // another, or a validator's clock slightly behind): its next blocks will.
    return reverted.data?.errorName === "SettlementIntervalNotClosed" ? "too-early" : "fatal";
  }
  const transport = error.walk(
    (e) =>
      e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WaitForTransactionReceiptTimeoutError,
  );
  if (transport instanceof TimeoutError || transport instanceof WaitForTransactionReceiptTimeoutError) {
    return "unreachable";
  }
  if (transport instanceof HttpRequestError) {
    const status = transport.status;
    // No response at all, a gateway that is down, or rate limiting: worth waiting for.
    if (status === undefined || status >= 500 || status === 408 || status === 429) return "unreachable";
  }
  return "fatal";
}

function describe(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
