/**
 * The MQTT inbox (issue 5, durability): the bridge's MQTT input stores each message here before the
 * broker is acknowledged, so a crash between the acknowledgement and the readings' commit loses nothing:
 * the message is replayed at the next start, and readings already stored come back as duplicates. A
 * message leaves the inbox once every reading in it has been handled (stored, found a duplicate, or
 * rejected); a message holding several readings (a Tasmota device with two meters) waits for all.
 */
import { intColumn, textColumn, type Store } from "./store.ts";

export type InboxMessage = { id: number; topic: string; payload: Uint8Array; receivedAt: number };

export type Inbox = {
  /** Stores a message (one autocommit) and returns its id. */
  add(topic: string, payload: Uint8Array, receivedAt?: number): number;
  /** The messages still in the inbox whose topic matches `filter` (an MQTT subscription), oldest first. */
  pending(filter?: string): InboxMessage[];
  /** How many readings message `id` holds; 0 removes it at once. */
  expect(id: number, readings: number): void;
  /** One reading of message `id` is handled; after the last one the message leaves the inbox. */
  handled(id: number): void;
  /** Messages in the inbox. */
  depth(): number;
  /** Writes the removals still waiting; close() does it too. */
  flush(): void;
  close(): void;
};

/** How long removals gather before one transaction deletes them. */
const FLUSH_MS = 20;

export function createInbox(store: Store, now: () => number = Date.now): Inbox {
  const { db } = store;
  const insert = db.prepare("INSERT INTO inbox (topic, payload, received_at) VALUES (?, ?, ?)");
  const remove = db.prepare("DELETE FROM inbox WHERE id = ?");
  const outstanding = new Map<number, number>();
  const done: number[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (done.length === 0 || !db.isOpen) return;
    const ids = done.splice(0);
    store.transaction(() => {
      for (const id of ids) remove.run(id);
    });
  };
  const finish = (id: number) => {
    outstanding.delete(id);
    done.push(id);
    timer ??= setTimeout(flush, FLUSH_MS);
  };

  return {
    add(topic, payload, receivedAt = now()) {
      return Number(insert.run(topic, payload, receivedAt).lastInsertRowid);
    },
    pending(filter = "#") {
      return db
        .prepare("SELECT id, topic, payload, received_at FROM inbox ORDER BY id")
        .all()
        .filter((row) => matchesTopic(filter, textColumn(row, "topic")))
        .map((row) => ({
          id: Number(intColumn(row, "id")),
          topic: textColumn(row, "topic"),
          payload: row.payload as Uint8Array,
          receivedAt: Number(intColumn(row, "received_at")),
        }));
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
    depth: () => Number(intColumn(db.prepare("SELECT count(*) AS n FROM inbox").get() ?? { n: 0n }, "n")),
    flush,
    close() {
      flush();
      store.close();
    },
  };
}

/** Whether `topic` matches the MQTT subscription `filter` (`+` one level, `#` the rest). */
export function matchesTopic(filter: string, topic: string): boolean {
  const want = filter.split("/");
  const have = topic.split("/");
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "#") return true;
    if (i >= have.length || (want[i] !== "+" && want[i] !== have[i])) return false;
  }
  return want.length === have.length;
}
