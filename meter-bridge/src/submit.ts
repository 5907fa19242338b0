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
import { SettlementFailedError } from "./errors.ts";

/** What the submitter needs from the chain; chain-client.ts implements it with viem. */
export type SettlementPort = {
  /** Simulates, signs and sends settle(batch); resolves to the transaction hash. */
  settle(batch: IntervalBatch): Promise<Hex>;
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

export type SubmitBatchParameters = {
  batch: IntervalBatch;
  port: SettlementPort;
  retry?: Partial<RetryPolicy>;
  /** Aborts the waiting between retries, e.g. when the Node-RED node closes. */
  signal?: AbortSignal;
  /** Told before each wait for the RPC to come back. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Told each time a settle() transaction has been sent, before its receipt is awaited (e.g. to record it). */
  onSent?: (hash: Hex) => void;
  /** Waits `ms`; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
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

export type ErrorKind = "already-settled" | "unreachable" | "fatal";

/**
 * Settles one batch exactly once: sends settle(), waits for the receipt, and treats the contract's
 * SettlementIntervalAlreadySettled as success already done, never as a second count. While the RPC
 * is unreachable it retries with exponential backoff; any other failure is thrown as
 * SettlementFailedError.
 */
export async function submitBatch({
  batch,
  port,
  retry,
  signal,
  onRetry,
  onSent,
  sleep = (ms, s) => delay(ms, undefined, { signal: s }),
}: SubmitBatchParameters): Promise<SubmitBatchReturnType> {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const label = `${batch.neighbourhood} interval ${batch.interval}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const hash = await port.settle(batch);
      onSent?.(hash);
      const receipt = await port.waitForReceipt(hash);
      if (receipt.status === "success") {
        const { neighbourhood, interval } = batch;
        return { neighbourhood, interval, txHash: hash, alreadySettled: false, commitmentMatches: true };
      }
      // Reverted on chain after a successful simulation: another submission may have won the race.
      const record = await port.settledRecord(batch.neighbourhoodId, batch.interval);
      if (record.settledAt > 0n) return alreadySettled(batch, port);
      throw new SettlementFailedError(`Settlement of ${label} reverted`, { details: `transaction ${hash}` });
    } catch (error) {
      if (error instanceof SettlementFailedError) throw error;
      const kind = classifyError(error);
      if (kind === "already-settled") return alreadySettled(batch, port);
      if (kind === "fatal" || attempt >= policy.maxAttempts || signal?.aborted) {
        throw new SettlementFailedError(`Settlement of ${label} failed`, {
          details:
            kind === "fatal"
              ? describe(error)
              : `the RPC stayed unreachable for ${attempt} attempts: ${describe(error)}`,
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

/** Sorts a failure into: the interval had settled, the RPC is unreachable (retry), or anything else. */
export function classifyError(error: unknown): ErrorKind {
  if (!(error instanceof BaseError)) return "fatal";
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    return reverted.data?.errorName === "SettlementIntervalAlreadySettled" ? "already-settled" : "fatal";
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
