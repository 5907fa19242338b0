import { NachbarstromError } from "@nachbarstrom/core";
import { faultPoint } from "./fault-points.ts";
import type { Outbox, OutboxEntry } from "./outbox.ts";
import {
  submitBatch,
  type RetryPolicy,
  type SettlementPort,
  type SubmitBatchParameters,
  type SubmitBatchReturnType,
} from "./submit.ts";

export type CreateOutboxSettlerParameters = {
  outbox: Outbox;
  port: SettlementPort;
  retry?: Partial<RetryPolicy>;
  /** Stops the draining: the entry in flight stays pending or submitted for the next start. */
  signal?: AbortSignal;
  sleep?: SubmitBatchParameters["sleep"];
  /** Told when an entry is taken up. */
  onSettling?: (entry: OutboxEntry) => void;
  onRetry?: (entry: OutboxEntry, info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Told once the entry is confirmed or already-settled in the outbox. */
  onSettled?: (entry: OutboxEntry, outcome: SubmitBatchReturnType) => void;
  /** Told once the entry is failed in the outbox; retryFailed() puts it back. */
  onFailed?: (entry: OutboxEntry, error: unknown) => void;
};

export type OutboxSettler = {
  /**
   * Settles the outbox's open entries one after the other, oldest first, until none is left or the
   * signal aborts. A call while draining joins the running drain, which also picks up new entries.
   * Rejects only when the outbox itself cannot be written; then the entry stays open for a later drain.
   */
  drain(): Promise<void>;
};

/**
 * Settles what the outbox holds. A pending entry is submitted (submit.ts: retries while the RPC is
 * unreachable, an interval settled before counts as done), and each transaction is stored in the
 * outbox once signed, before it is broadcast. A submitted entry (left by a crash or stop) has its
 * stored transactions broadcast again and awaited, then goes on with the chunks still missing; if the
 * interval settled by one of its own transactions it is confirmed, not already-settled.
 */
export function createOutboxSettler({
  outbox,
  port,
  retry,
  signal,
  sleep,
  onSettling,
  onRetry,
  onSettled,
  onFailed,
}: CreateOutboxSettlerParameters): OutboxSettler {
  let running: Promise<void> | undefined;

  async function settle(entry: OutboxEntry): Promise<SubmitBatchReturnType> {
    const signed = entry.status === "submitted" ? await outbox.signedOf(entry.id) : [];
    const ours = new Set(signed.map((t) => t.hash.toLowerCase()));
    const outcome = await submitBatch({
      batch: entry.batch,
      port,
      signed,
      retry,
      signal,
      sleep,
      onRetry: (info) => onRetry?.(entry, info),
      onSigned: async (transaction) => {
        await outbox.recordSigned(entry.id, transaction);
        ours.add(transaction.hash.toLowerCase());
        faultPoint("after-sign", transaction.hash);
      },
    });
    faultPoint("before-confirmation", `${entry.batch.neighbourhood}:${entry.batch.interval}`);
    // The chain's settlement is one of our own transactions (e.g. signed before a crash).
    if (outcome.alreadySettled && outcome.txHash && ours.has(outcome.txHash.toLowerCase())) {
      return { ...outcome, alreadySettled: false };
    }
    return outcome;
  }

  async function run(): Promise<void> {
    for (let entry = await outbox.next(); entry && !signal?.aborted; entry = await outbox.next()) {
      onSettling?.(entry);
      let outcome: SubmitBatchReturnType;
      try {
        outcome = await settle(entry);
      } catch (error) {
        if (signal?.aborted) return;
        // When the database cannot record the failure either, fail() throws and the drain rejects.
        const failed = await outbox.fail(entry.id, describe(error));
        onFailed?.(failed, error);
        continue;
      }
      const settled = await outbox.complete(entry.id, outcome);
      onSettled?.(settled, outcome);
    }
  }

  return {
    drain() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof NachbarstromError) {
    return error.details ? `${error.shortMessage}: ${error.details}` : error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}
