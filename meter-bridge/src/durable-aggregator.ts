import { INTERVAL_SECONDS, type Reading } from "@nachbarstrom/core";
import {
  createAggregator,
  type AddResult,
  type Aggregator,
  type CreateAggregatorParameters,
  type IntervalBatch,
} from "./aggregate.ts";
import { faultPoint } from "./fault-points.ts";
import { createOutbox, type Outbox } from "./outbox.ts";
import { createReadingStore } from "./reading-store.ts";
import { checkSequence } from "./registers.ts";
import type { Store } from "./store.ts";

export type CreateDurableAggregatorParameters = Omit<CreateAggregatorParameters, "restore"> & {
  store: Store;
};

export type DurableAggregator = Aggregator & {
  outbox: Outbox;
  /**
   * Takes readings in one transaction (group commit: one fsync for all of them) and returns what
   * became of each, as add() would one after the other. When the transaction fails, none is stored.
   */
  addAll(readings: readonly Reading[]): AddResult[];
};

/**
 * The aggregator of aggregate.ts with its state in the bridge database. Each call is one transaction:
 * an accepted reading is stored before add() or addAll() returns; closing an interval stores the meters' new
 * settled registers, the neighbourhood's closed-until time and the batch (as a pending outbox entry)
 * together. A new aggregator on the same database carries on where the last one stopped, crash or not.
 * A repeated reading is found by the readings table's primary key, even long after its interval closed.
 */
export function createDurableAggregator({
  store,
  now = Date.now,
  ...parameters
}: CreateDurableAggregatorParameters): DurableAggregator {
  const readings = createReadingStore(store);
  const outbox = createOutbox(store, now);
  // One wall-clock time per call, so the stored arrival time equals the one the aggregator used.
  let frozen: number | undefined;
  const clock = () => frozen ?? now();
  const load = () => createAggregator({ ...parameters, now: clock, restore: readings.load() });
  // Undefined after a failed transaction: memory may be ahead of the database, so it is reloaded.
  let aggregator: Aggregator | undefined = load();
  const current = () => (aggregator ??= load());

  function persist(batches: IntervalBatch[]): void {
    for (const batch of batches) {
      const last = new Map<string, Reading>();
      for (const reading of batch.readings) {
        const seen = last.get(reading.meteringPointId);
        if (!seen || reading.unixSeconds > seen.unixSeconds) last.set(reading.meteringPointId, reading);
      }
      for (const reading of last.values()) readings.setSettled(reading);
      readings.setClosedUntil(batch.neighbourhood, Number(batch.interval + 1n) * INTERVAL_SECONDS);
      outbox.enqueue(batch);
    }
  }

  /** Runs `fn` in one transaction; when it fails, memory is reloaded from the database it rolled back to. */
  function atomically<T>(fn: (aggregator: Aggregator) => T): T {
    const memory = current();
    frozen = now();
    try {
      return store.transaction(() => fn(memory));
    } catch (error) {
      aggregator = undefined;
      throw error;
    } finally {
      frozen = undefined;
    }
  }

  function addAll(list: readonly Reading[]): AddResult[] {
    const results = atomically((memory) =>
      list.map((reading): AddResult => {
        // A repeat is found in the table, also long after its interval closed (and within this list).
        const stored = readings.find(reading);
        if (stored) {
          const verdict = checkSequence({ reading, known: [stored] });
          if (verdict.kind === "rejected") return { status: "rejected", reason: verdict.reason, batches: [] };
          return { status: "duplicate", batches: [] };
        }
        const result = memory.add(reading);
        if (result.status === "baseline" || result.status === "accepted") {
          readings.insert({ ...reading, receivedAt: clock() });
          if (result.status === "baseline") readings.setSettled(reading);
        }
        persist(result.batches);
        return result;
      }),
    );
    faultPoint("after-store", `${list.length} readings`);
    if (results.some((r) => r.batches.length > 0)) faultPoint("after-batch", "closed by a reading");
    return results;
  }

  return {
    outbox,
    add: (reading) => addAll([reading])[0],
    addAll,
    tick() {
      const batches = atomically((memory) => {
        const batches = memory.tick();
        persist(batches);
        return batches;
      });
      if (batches.length > 0) faultPoint("after-batch", "closed by the grace period");
      return batches;
    },
    openIntervals: () => current().openIntervals(),
  };
}
