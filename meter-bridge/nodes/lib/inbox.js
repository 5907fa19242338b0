"use strict";
const { errorLogText } = require("./node-support.js");

/**
 * The inboxes of one process (../../src/inbox.ts), one per bridge database, shared by the nodes that
 * use it: the MQTT input and the HTTP ingest add messages, the reading node says how many readings a
 * message holds, the interval node reports each reading handled once it is committed. A message
 * carries its place as msg._inbox = { store: <database, without password>, id }; messages without it
 * (Node-RED's own MQTT input) pass as before.
 */

/** database → { inbox (once open), opening, users, timer } */
const open = new Map();

/** How often the inbox's depth is reported while it is open. */
const DEPTH_EVERY_MS = 5000;

/**
 * The inbox of database `key`, created with `create()` (a promise) by the first node that needs it;
 * while it is open, `onDepth` (of that first node) is told every few seconds how many messages it holds.
 */
function acquireInbox(key, create, onDepth = () => {}) {
  let entry = open.get(key);
  if (!entry) {
    const created = { inbox: undefined, users: 0, timer: undefined };
    created.opening = create().then(
      (inbox) => {
        created.inbox = inbox;
        // The database may be closing or unreachable: the next report, or none.
        const report = () => inbox.depth().then(onDepth, () => {});
        created.timer = setInterval(report, DEPTH_EVERY_MS);
        created.timer.unref();
        report();
        return inbox;
      },
      (error) => {
        // The next node to start tries again.
        if (open.get(key) === created) open.delete(key);
        throw error;
      },
    );
    entry = created;
    open.set(key, entry);
  }
  entry.users += 1;
  return entry.opening;
}

/** Gives the inbox of `key` back; the last user closes it (writing the removals still waiting). */
async function releaseInbox(key) {
  const entry = open.get(key);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  open.delete(key);
  clearInterval(entry.timer);
  const inbox = await entry.opening.catch(() => undefined);
  await inbox?.close();
}

/** The inbox and id of a message that came through an inbox, else undefined. */
function inboxOf(msg) {
  const ref = msg && msg._inbox;
  if (!ref || typeof ref.store !== "string" || typeof ref.id !== "number") return undefined;
  const inbox = open.get(ref.store)?.inbox;
  return inbox ? { inbox, id: ref.id } : undefined;
}

/**
 * The inbox of the bridge database an input node is set to (its Database setting, else
 * NACHBARSTROM_BRIDGE_DB, else NACHBARSTROM_DATABASE_URL, else the default in the user directory). A
 * SQLite file is opened with synchronous=NORMAL: a commit survives a crash of the process, and the
 * readings' FULL commits sync it to disk within ms. `modules` are the node's imports of
 * ../../src/{inbox,store,store-file}.ts and @nachbarstrom/core/database; `metrics` (lib/metrics.js)
 * gets the inbox's depth. Returns the database's key (for msg._inbox and releaseInbox), the node's
 * source in the inbox, and the inbox (a promise). Give it back with releaseInbox(key).
 */
function openNodeInbox(RED, node, configured, modules, metrics) {
  const { BRIDGE_INSTANCE_ENV, createInbox, inboxSource, nodeStoreLocation, openStore, redacted } = modules;
  const setting = (name) => RED.util.getSetting(node, name);
  const location = nodeStoreLocation(configured, setting, RED.settings.userDir);
  const key = redacted(location);
  const inbox = acquireInbox(
    key,
    async () =>
      // A removal that failed is tried again with the next: a warning, not an error.
      createInbox(await openStore({ location, synchronous: "NORMAL" }), undefined, (error) =>
        node.warn(errorLogText(error)),
      ),
    (depth) => metrics.setInboxDepth(depth),
  );
  return { key, source: inboxSource(node.id, setting(BRIDGE_INSTANCE_ENV)), inbox };
}

/**
 * Sends again, oldest first, what `source` received but did not finish (`log` is told how many first),
 * once the flows have started, so every node it goes to is there; then calls `done`. Returns a function
 * that cancels it, for the node's close.
 */
function replayInbox(RED, node, opening, source, emit, log, done = () => {}) {
  const replay = async () => {
    try {
      const left = await (await opening).pending(source);
      if (left.length > 0) log(left.length);
      for (const message of left) emit(message);
    } catch (error) {
      node.error(error);
    }
    done();
  };
  RED.events.once("flows:started", replay);
  return () => RED.events.removeListener("flows:started", replay);
}

const HELD = Symbol("nachbarstrom.heldAcknowledgements");

/**
 * Holds the MQTT acknowledgement of `packet` until `stored` settles. mqtt.js calls the client's
 * handleMessage(packet, callback) after the message listeners and sends the PUBACK when the callback
 * is called (its hook for backpressure; the next packet waits for it). A failed store is passed on as
 * an error: no PUBACK, and the broker delivers the message again with the session. On SQLite the wait
 * is a few microseconds (no fsync at synchronous=NORMAL); on PostgreSQL one round trip per message.
 */
function holdAcknowledgement(client, packet, stored) {
  if (!client[HELD]) {
    const held = new WeakMap();
    const handleMessage = client.handleMessage.bind(client);
    client.handleMessage = (heldPacket, callback) => {
      const wait = held.get(heldPacket);
      if (!wait) return handleMessage(heldPacket, callback);
      held.delete(heldPacket);
      wait.then(() => handleMessage(heldPacket, callback), callback);
    };
    client[HELD] = held;
  }
  client[HELD].set(packet, stored);
}

module.exports = { acquireInbox, releaseInbox, inboxOf, openNodeInbox, replayInbox, holdAcknowledgement };
