import { INTERVAL_SECONDS, type Reading } from "@nachbarstrom/core";
import {
  createAggregator,
  type AddResult,
  type OpenInterval,
  type Aggregator,
  type CreateAggregatorParameters,
  type IntervalBatch,
} from "./aggregate.ts";
import { BridgeStoreError } from "./errors.ts";
import { faultPoint } from "./fault-points.ts";
import { createOutbox, enqueueBatch, type Outbox } from "./outbox.ts";
import { createReadingStore } from "./reading-store.ts";
import { relayReadings, takeRelayed } from "./relay.ts";
import { checkSequence } from "./registers.ts";
import type { Executor, Store } from "./store.ts";

export type CreateDurableAggregatorParameters = Omit<CreateAggregatorParameters, "restore"> & {
  store: Store;
  /**
   * One of several bridge processes (ADR 0011): it aggregates only the neighbourhoods it holds, puts
   * readings of the others into the relay for their holders, and closes an interval only while the
   * database says it still holds its neighbourhood.
   */
  cluster?: ClusterRole;
};

export type ClusterRole = {
  /** This process, as the relay records it. */
  instance: string;
  /** The neighbourhoods it holds now; a change builds a new aggregator. */
  neighbourhoods: ReadonlySet<string>;
  /** Inside the transaction that closes an interval: throws unless the neighbourhood is still held. */
  fence(trx: Executor, neighbourhood: string): Promise<void>;
};

/** What became of a reading: add()'s result, or relayed to the process that holds its neighbourhood. */
export type DurableAddResult = AddResult | { status: "relayed"; batches: IntervalBatch[] };

export type DurableAggregator = {
  outbox: Outbox;
  /** Takes one reading: addAll() of one. */
  add(reading: Reading): Promise<DurableAddResult>;
  /**
   * Takes readings in one transaction (group commit: one fsync for all of them) and returns what
   * became of each, as add() would one after the other. When the transaction fails, none is stored.
   */
  addAll(readings: readonly Reading[]): Promise<DurableAddResult[]>;
  /**
   * Several processes: takes the readings other processes relayed for the neighbourhoods this one
   * holds, in one transaction, and returns what became of each. Nothing without a cluster role.
   */
  takeRelayed(): Promise<{ reading: Reading; result: DurableAddResult }[]>;
  /** Closes the intervals whose grace period is over, in one transaction. */
  tick(): Promise<IntervalBatch[]>;
  /** The open intervals as memory holds them, for the node's status. */
  openIntervals(): OpenInterval[];
};

/**
 * The aggregator of aggregate.ts with its state in the bridge database. Each call is one transaction:
 * an accepted reading is stored before add() or addAll() resolves; closing an interval stores the
 * meters' new settled registers, the neighbourhood's closed-until time and the batch (as a pending
 * outbox entry) together. A new aggregator on the same database carries on where the last one stopped,
 * crash or not. A repeated reading is found by the readings table's primary key, even long after its
 * interval closed.
 *
 * Memory holds nothing the database does not: it is loaded from it at the start (and again after a
 * failed transaction), so another process reading the same tables has all it needs. The calls run one
 * after the other (a queue), so two groups of readings never interleave their read-modify-write of
 * memory and database.
 */
export async function createDurableAggregator({
  store,
  now = Date.now,
  cluster,
  directory,
  ...parameters
}: CreateDurableAggregatorParameters): Promise<DurableAggregator> {
  // With several processes, memory holds only the neighbourhoods this one holds.
  const held = cluster
    ? new Map([...directory].filter(([neighbourhood]) => cluster.neighbourhoods.has(neighbourhood)))
    : directory;
  const relayed = (reading: Reading) =>
    cluster !== undefined && !held.has(reading.neighbourhood) && directory.has(reading.neighbourhood);
  const outbox = createOutbox(store, now);
  // One wall-clock time per call, so the stored arrival time equals the one the aggregator used.
  let frozen: number | undefined;
  const clock = () => frozen ?? now();
  const load = async () =>
    createAggregator({
      ...parameters,
      directory: held,
      now: clock,
      restore: await createReadingStore(store.db).load(),
    });
  let memory: Aggregator = await load();
  // Set when memory could not be reloaded after a failed transaction: it is reloaded before the next call.
  let stale = false;
  let queue: Promise<unknown> = Promise.resolve();

  async function persist(trx: Executor, batches: IntervalBatch[]): Promise<void> {
    const readings = createReadingStore(trx);
    for (const batch of batches) {
      await cluster?.fence(trx, batch.neighbourhood);
      const last = new Map<string, Reading>();
      for (const reading of batch.readings) {
        const seen = last.get(reading.meteringPointId);
        if (!seen || reading.unixSeconds > seen.unixSeconds) last.set(reading.meteringPointId, reading);
      }
      for (const reading of last.values()) await readings.setSettled(reading);
      await readings.setClosedUntil(batch.neighbourhood, Number(batch.interval + 1n) * INTERVAL_SECONDS);
      await enqueueBatch(trx, batch, clock());
    }
  }

  /**
   * Runs `fn` in one transaction after every earlier call has finished; when it fails, memory is
   * reloaded from the database it rolled back to.
   */
  function atomically<T>(fn: (trx: Executor, memory: Aggregator) => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      if (stale) {
        memory = await load();
        stale = false;
      }
      frozen = now();
      try {
        return await store.transaction((trx) => fn(trx, memory));
      } catch (error) {
        frozen = undefined;
        // Memory follows the database it rolled back to; when that cannot be read, the next call tries.
        memory = await load().catch(() => {
          stale = true;
          return memory;
        });
        throw error;
      } finally {
        frozen = undefined;
      }
    });
    queue = run.catch(() => {});
    return run;
  }

  /** Takes `list` within the transaction `trx`, one after the other, as add() would. */
  async function addWithin(trx: Executor, memory: Aggregator, list: readonly Reading[]): Promise<DurableAddResult[]> {
    const readings = createReadingStore(trx);
    const results: DurableAddResult[] = [];
    const forOthers: Reading[] = [];
    for (const reading of list) {
      // A repeat is found in the table, also long after its interval closed (and within this list).
      const stored = await readings.find(reading);
      if (stored) {
        const verdict = checkSequence({ reading, known: [stored] });
        results.push(
          verdict.kind === "rejected"
            ? { status: "rejected", reason: verdict.reason, batches: [] }
            : { status: "duplicate", batches: [] },
        );
        continue;
      }
      if (relayed(reading)) {
        forOthers.push(reading);
        results.push({ status: "relayed", batches: [] });
        continue;
      }
      const result = memory.add(reading);
      if (result.status === "baseline" || result.status === "accepted") {
        const insert = await readings.insert({ ...reading, receivedAt: clock() });
        // Another process stored the same reading since find(): memory must not count it as well.
        if (insert.status !== "inserted") {
          throw new BridgeStoreError(`Another bridge process stored the reading of ${reading.meteringPointId} first`, {
            details: `${reading.neighbourhood} at ${reading.unixSeconds}: the group is rolled back and memory reloaded`,
          });
        }
        if (result.status === "baseline") await readings.setSettled(reading);
      }
      await persist(trx, result.batches);
      results.push(result);
    }
    if (cluster) {
      await relayReadings(
        trx,
        forOthers.map((reading) => ({ ...reading, receivedAt: clock() })),
        cluster.instance,
      );
    }
    return results;
  }

  async function addAll(list: readonly Reading[]): Promise<DurableAddResult[]> {
    const results = await atomically((trx, memory) => addWithin(trx, memory, list));
    faultPoint("after-store", `${list.length} readings`);
    if (results.some((r) => r.batches.length > 0)) faultPoint("after-batch", "closed by a reading");
    return results;
  }

  return {
    outbox,
    add: async (reading) => (await addAll([reading]))[0],
    addAll,
    async takeRelayed() {
      if (!cluster || held.size === 0) return [];
      return atomically(async (trx, memory) => {
        const readings = await takeRelayed(trx, [...held.keys()]);
        const results = await addWithin(trx, memory, readings);
        return readings.map((reading, i) => ({ reading, result: results[i] }));
      });
    },
    async tick() {
      const batches = await atomically(async (trx, memory) => {
        const batches = memory.tick();
        await persist(trx, batches);
        return batches;
      });
      if (batches.length > 0) faultPoint("after-batch", "closed by the grace period");
      return batches;
    },
    openIntervals: () => memory.openIntervals(),
  };
}
