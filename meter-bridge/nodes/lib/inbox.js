"use strict";
/**
 * The MQTT inboxes of one process (../../src/inbox.ts), one per bridge database file, shared by the
 * nodes that use it: the MQTT input adds messages, the reading node says how many readings a message
 * holds, the interval node reports each reading handled once it is committed. A message carries its
 * place as msg._inbox = { store: <file>, id }; messages without it (HTTP ingest, Node-RED's own MQTT
 * input) pass as before.
 */

/** file → { inbox, users } */
const open = new Map();

/** The inbox of `file`, created with `create()` by the first node that needs it. */
function acquireInbox(file, create) {
  let entry = open.get(file);
  if (!entry) {
    entry = { inbox: create(), users: 0 };
    open.set(file, entry);
  }
  entry.users += 1;
  return entry.inbox;
}

/** Gives the inbox of `file` back; the last user closes it (writing the removals still waiting). */
function releaseInbox(file) {
  const entry = open.get(file);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  open.delete(file);
  entry.inbox.close();
}

/** The inbox and id of a message that came through an inbox, else undefined. */
function inboxOf(msg) {
  const ref = msg && msg._inbox;
  if (!ref || typeof ref.store !== "string" || typeof ref.id !== "number") return undefined;
  const entry = open.get(ref.store);
  return entry ? { inbox: entry.inbox, id: ref.id } : undefined;
}

module.exports = { acquireInbox, releaseInbox, inboxOf };
