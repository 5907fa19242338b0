/**
 * The inbox (issue 5, durability): the bridge's MQTT input and HTTP ingest store each message here
 * before the sender is acknowledged, so a crash between the acknowledgement and the readings' commit
 * loses nothing: the node that received it sends it again at its next start, and readings already
 * stored come back as duplicates. A message leaves the inbox once every reading in it has been handled
 * (stored, found a duplicate, or rejected); a message holding several readings (a Tasmota device with
 * two meters) waits for all.
 *
 * Each message is kept under its `source`: the receiving node and, when several bridge processes share
 * one database, the process (lib/inbox.js), so each replays only its own and a survivor can take over
 * a dead process's messages by its source.
 */
import type { Store } from "./store.ts";

/**
 * Names this bridge process among several sharing one database (ADR 0011); unset when it is the only
 * one. Part of each inbox message's source.
 */
export const BRIDGE_INSTANCE_ENV = "NACHBARSTROM_BRIDGE_INSTANCE";

/** The inbox source of the node `nodeId` in this process: the node alone when the process is the only one. */
export function inboxSource(nodeId: string, instance: string | undefined): string {
  return instance?.trim() ? `${instance.trim()}/${nodeId}` : nodeId;
}

export type InboxMessage = { id: number; source: string; topic: string; payload: Uint8Array; receivedAt: number };

export type Inbox = {
  /** Stores a message received by `source` (one autocommit) and returns its id once it is committed. */
  add(source: string, topic: string, payload: Uint8Array, receivedAt?: number): Promise<number>;
  /** The messages of `source` still in the inbox, oldest first; all of them without `source`. */
  pending(source?: string): Promise<InboxMessage[]>;
  /**
   * Takes the messages a dead bridge process left under `from` as `to`'s (one statement, so two
   * survivors cannot both take one) and returns them, oldest first, to be sent again.
   */
  adopt(from: string, to: string): Promise<InboxMessage[]>;
  /** How many readings message `id` holds; 0 removes it at once. */
  expect(id: number, readings: number): void;
  /** One reading of message `id` is handled; after the last one the message leaves the inbox. */
  handled(id: number): void;
  /** Messages in the inbox. */
  depth(): Promise<number>;
  /** Writes the removals still waiting; close() does it too. */
  flush(): Promise<void>;
  /** Writes the removals still waiting and closes the store. */
  close(): Promise<void>;
};

/** How long removals gather before one transaction deletes them. */
const FLUSH_MS = 20;

/**
 * The inbox in `store`. A removal that cannot be written (the database is unreachable) stays waiting
 * and is tried again with the next one; `onError` is told. A message whose removal is lost with a
 * crash is replayed and its readings come back as duplicates.
 */
export function createInbox(
  store: Store,
  now: () => number = Date.now,
  onError: (error: unknown) => void = () => {},
): Inbox {
  const { db } = store;
  const outstanding = new Map<number, number>();
  const done: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const remove = async (ids: number[]) => {
    try {
      await db
        .deleteFrom("inbox")
        .where(
          "id",
          "in",
          ids.map((id) => BigInt(id)),
        )
        .execute();
    } catch (error) {
      done.push(...ids);
      throw error;
    }
  };
  // One removal at a time, in order; each takes what is waiting when its turn comes.
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    flushing = flushing
      // An earlier failure was reported to its caller; its ids are waiting again.
      .catch(() => {})
      .then(() => (done.length === 0 ? undefined : remove(done.splice(0))));
    return flushing;
  };
  const finish = (id: number) => {
    outstanding.delete(id);
    done.push(id);
    timer ??= setTimeout(() => flush().catch(onError), FLUSH_MS);
  };

  return {
    async add(source, topic, payload, receivedAt = now()) {
      const { id } = await db
        .insertInto("inbox")
        .values({ source, topic, payload, received_at: BigInt(receivedAt) })
        .returning("id")
        .executeTakeFirstOrThrow();
      return Number(id);
    },
    async pending(source) {
      const rows = await db
        .selectFrom("inbox")
        .selectAll()
        .$if(source !== undefined, (query) => query.where("source", "=", source ?? ""))
        .orderBy("id")
        .execute();
      return rows.map(toMessage);
    },
    async adopt(from, to) {
      const rows = await db
        .updateTable("inbox")
        .set({ source: to })
        .where("source", "=", from)
        .returningAll()
        .execute();
      return rows.map(toMessage).sort((a, b) => a.id - b.id);
    },
    expect(id, readings) {
      if (readings <= 0) finish(id);
      else outstanding.set(id, readings);
    },
    handled(id) {
      const left = (outstanding.get(id) ?? 1) - 1;
      if (left <= 0) finish(id);
      else outstanding.set(id, left);
    },
    async depth() {
      const { n } = await db
        .selectFrom("inbox")
        .select((eb) => eb.fn.countAll<bigint>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(n);
    },
    flush,
    async close() {
      try {
        await flush();
      } finally {
        await store.close();
      }
    },
  };
}

function toMessage(row: {
  id: bigint;
  source: string;
  topic: string;
  payload: Uint8Array;
  received_at: bigint;
}): InboxMessage {
  return {
    id: Number(row.id),
    source: row.source,
    topic: row.topic,
    payload: new Uint8Array(row.payload),
    receivedAt: Number(row.received_at),
  };
}
