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

/** How often the inbox's depth is reported while it is open. */
const DEPTH_EVERY_MS = 5000;

/**
 * The inbox of `file`, created with `create()` by the first node that needs it; while it is open,
 * `onDepth` (of that first node) is told every few seconds how many messages it holds.
 */
function acquireInbox(file, create, onDepth = () => {}) {
  let entry = open.get(file);
  if (!entry) {
    const inbox = create();
    const report = () => {
      try {
        onDepth(inbox.depth());
      } catch {
        // The database is closing: the next report or none.
      }
    };
    const timer = setInterval(report, DEPTH_EVERY_MS);
    timer.unref();
    entry = { inbox, users: 0, timer };
    open.set(file, entry);
    report();
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
  clearInterval(entry.timer);
  entry.inbox.close();
}

/** The inbox and id of a message that came through an inbox, else undefined. */
function inboxOf(msg) {
  const ref = msg && msg._inbox;
  if (!ref || typeof ref.store !== "string" || typeof ref.id !== "number") return undefined;
  const entry = open.get(ref.store);
  return entry ? { inbox: entry.inbox, id: ref.id } : undefined;
}

/**
 * The inbox of the bridge database an input node is set to (its Database setting, else
 * NACHBARSTROM_BRIDGE_DB, else the default in the user directory), opened with synchronous=NORMAL: a
 * commit survives a crash of the process, and the readings' FULL commits sync it to disk within ms.
 * `modules` are the node's imports of ../../src/{inbox,store,store-file}.ts; `metrics` (lib/metrics.js) gets
 * the inbox's depth. Give it back with releaseInbox(file).
 */
function openNodeInbox(RED, node, configured, modules, metrics) {
  const { createInbox, openStore, storeFile, STORE_FILE_ENV } = modules;
  const file = storeFile({
    configured,
    fromEnv: RED.util.getSetting(node, STORE_FILE_ENV),
    userDir: RED.settings.userDir,
  });
  const inbox = acquireInbox(
    file,
    () => createInbox(openStore({ file, synchronous: "NORMAL" })),
    (depth) => metrics.setInboxDepth(depth),
  );
  return { file, inbox };
}

/**
 * Sends again, oldest first, what the node received but did not finish (`log` is told how many first),
 * once the flows have started, so every node it goes to is there; then calls `done`. Returns a function
 * that cancels it, for the node's close.
 */
function replayInbox(RED, node, inbox, emit, log, done = () => {}) {
  const replay = () => {
    const left = inbox.pending(node.id);
    if (left.length > 0) log(left.length);
    for (const message of left) emit(message);
    done();
  };
  RED.events.once("flows:started", replay);
  return () => RED.events.removeListener("flows:started", replay);
}

module.exports = { acquireInbox, releaseInbox, inboxOf, openNodeInbox, replayInbox };
