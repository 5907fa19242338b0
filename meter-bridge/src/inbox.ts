/**
 * The inbox (issue 5, durability): the bridge's MQTT input and HTTP ingest store each message here
 * before the sender is acknowledged, so a crash between the acknowledgement and the readings' commit
 * loses nothing: the node that received it sends it again at its next start, and readings already
 * stored come back as duplicates. A
 * message leaves the inbox once every reading in it has been handled (stored, found a duplicate, or
 * rejected); a message holding several readings (a Tasmota device with two meters) waits for all.
 */
import { intColumn, textColumn, type Store } from "./store.ts";

export type InboxMessage = { id: number; source: string; topic: string; payload: Uint8Array; receivedAt: number };

export type Inbox = {
  /** Stores a message received by the node `source` (one autocommit) and returns its id. */
  add(source: string, topic: string, payload: Uint8Array, receivedAt?: number): number;
  /** The messages of `source` still in the inbox, oldest first; all of them without `source`. */
  pending(source?: string): InboxMessage[];
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
  const insert = db.prepare("INSERT INTO inbox (source, topic, payload, received_at) VALUES (?, ?, ?, ?)");
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
    add(source, topic, payload, receivedAt = now()) {
      return Number(insert.run(source, topic, payload, receivedAt).lastInsertRowid);
    },
    pending(source) {
      const rows =
        source === undefined
          ? db.prepare("SELECT * FROM inbox ORDER BY id").all()
          : db.prepare("SELECT * FROM inbox WHERE source = ? ORDER BY id").all(source);
      return rows.map((row) => ({
        id: Number(intColumn(row, "id")),
        source: textColumn(row, "source"),
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
