"use strict";
/**
 * nachbarstrom-interval: aggregates valid readings into one batch per neighbourhood-interval
 * (15 minutes). Output 1: the batch when the interval closes; output 2: readings the aggregator
 * rejects (late, out of order, unknown, conflicting), addressed to nachbarstrom/<neighbourhood>/rejected.
 * Every accepted reading, the meters' settled registers and each closed batch (in the outbox) are in
 * the bridge database before the message is acknowledged, so a restart carries on where it stopped.
 * The logic and the closing policy live in ../src/aggregate.ts and ../src/durable-aggregator.ts.
 * The meter directory file is looked at again every second (and at once when a reading names a meter
 * the directory in force does not know) and, when it changed, the aggregator is built anew from the
 * database with the new directory, exactly as after a restart: a new meter counts from its first
 * reading, a meter that left is no longer waited for, and no stored reading is lost or counted twice.
 */
const { configErrorStatus, errorLogText, shortText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");
const { inboxOf } = require("./lib/inbox.js");

const TICK_MS = 1000;
/** How long readings gather before one commit stores them all, and how many at most. */
const GROUP_MS = 5;
const GROUP_MAX = 1000;

module.exports = async function (RED) {
  const { DEFAULT_GRACE_SECONDS, GRACE_SECONDS_ENV } = await import("../src/aggregate.ts");
  const { createDurableAggregator } = await import("../src/durable-aggregator.ts");
  const { openStore } = await import("../src/store.ts");
  const { nodeStoreLocation } = await import("../src/store-file.ts");
  const { BRIDGE_INSTANCE_ENV } = await import("../src/inbox.ts");
  const { LEASE_MS_ENV, joinCluster, leaveCluster } = await import("../src/cluster-runtime.ts");
  const { METERS_ENV, knowsMeter, meterDirectoryFile, reloadLogText, watchDirectory } =
    await import("../src/directory.ts");
  const { isReading, rejectReading } = await import("../src/reading-gate.ts");
  const { NachbarstromError } = await import("@nachbarstrom/core");
  const { BridgeConfigurationError } = await import("../src/errors.ts");
  const metrics = await runtimeMetrics(RED);

  function NachbarstromIntervalNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    let aggregator;
    let store;
    let directory;
    let grace;
    let configError;
    const fail = (error) => {
      configError = error;
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    };
    let location;
    let directoryFile;
    // One of several bridge processes (ADR 0011): set once the store is open.
    let cluster;
    let stopListening = () => {};
    try {
      const file = meterDirectoryFile(config.meters, RED.util.getSetting(node, METERS_ENV));
      directoryFile = file;
      directory = watchDirectory({ file });
      grace = graceSeconds(config.graceSeconds, RED.util.getSetting(node, GRACE_SECONDS_ENV));
      location = nodeStoreLocation(config.database, (name) => RED.util.getSetting(node, name), RED.settings.userDir);
    } catch (error) {
      fail(error);
    }

    // Everything that touches the aggregator or the store runs in this queue, one after the other: the
    // opening, each group of readings, each tick and each reload of the directory. A failure is logged.
    let queue = Promise.resolve();
    const serially = (fn) => (queue = queue.then(fn).catch((error) => node.error(errorLogText(error))));
    if (location !== undefined) {
      serially(async () => {
        try {
          store = await openStore({ location });
          const leaseMs = RED.util.getSetting(node, LEASE_MS_ENV);
          cluster = await joinCluster({
            instance: RED.util.getSetting(node, BRIDGE_INSTANCE_ENV),
            location,
            directoryFile,
            leaseMs: leaseMs ? Number(leaseMs) : undefined,
            log: (line) => node.log(line),
          });
          // The neighbourhoods this process holds changed: memory is built anew for exactly those.
          if (cluster) stopListening = cluster.onChange(() => serially(() => rebuild()));
          await rebuild();
          const open = aggregator.openIntervals();
          if (open.length > 0) node.log(RED._("interval.log.resumed", { count: open.length, file: store.location }));
          node.status({ fill: "grey", shape: "ring", text: RED._("interval.status.waiting") });
          showOpen();
        } catch (error) {
          await store?.close();
          store = undefined;
          aggregator = undefined;
          fail(error);
        }
      });
    }

    const sendBatches = (send, batches) => {
      for (const batch of batches) {
        metrics.intervalClosed(batch.closedBy);
        send([{ topic: `nachbarstrom/${batch.neighbourhood}/batch`, payload: batch }, null]);
        if (batch.missing.length > 0) {
          node.warn(
            RED._("interval.log.missing", {
              interval: String(batch.interval),
              neighbourhood: batch.neighbourhood,
              meters: batch.missing.join(", "),
            }),
          );
        }
      }
      const last = batches.at(-1);
      if (last) {
        const text = RED._("interval.status.closed", {
          interval: String(last.interval),
          meters: last.meters.length,
          expected: last.meters.length + last.missing.length,
        });
        node.status({ fill: last.missing.length > 0 ? "yellow" : "green", shape: "dot", text });
      }
      return batches.length > 0;
    };

    function showOpen() {
      const open = aggregator.openIntervals()[0];
      if (!open) return;
      const text = RED._("interval.status.open", {
        interval: String(open.interval),
        reported: open.reported,
        expected: open.expected,
      });
      node.status({ fill: "blue", shape: "ring", text: shortText(text) });
    }

    /**
     * Reloads a changed directory between two transactions. Every accepted reading and the closed
     * intervals are in the database, so a new aggregator over it with the new directory carries on
     * exactly where the old one stopped; repeats are still found in the readings table.
     */
    const refreshDirectory = async (force) => {
      const reload = directory.refresh({ force });
      const text = reloadLogText(reload);
      if (text) node[text.level](text.text);
      if (reload.kind === "reloaded") await rebuild();
    };

    /** A new aggregator over the database, for the directory and (several processes) the neighbourhoods held. */
    async function rebuild() {
      aggregator = await createDurableAggregator({
        store,
        directory: directory.index,
        graceSeconds: grace,
        cluster: cluster?.role(),
      });
    }

    /** Sends a reading's rejection on output 2 and logs it. */
    const sendRejection = (send, reading, reason) => {
      metrics.readingRejected(reason);
      const { topic, rejection } = rejectReading(reading, reason);
      send([null, { topic, payload: rejection }]);
      node.warn(RED._("interval.log.rejected", { topic: rejection.topic, reason: rejection.reason }));
    };

    const tickTimer =
      location !== undefined
        ? setInterval(() => {
            serially(async () => {
              if (!aggregator) return;
              await refreshDirectory(false);
              // Readings other processes decoded for the neighbourhoods this one holds.
              for (const { reading, result } of await aggregator.takeRelayed()) {
                if (result.status === "rejected") sendRejection((msgs) => node.send(msgs), reading, result.reason);
                if (result.batches.length > 0) sendBatches((msgs) => node.send(msgs), result.batches);
              }
              const batches = await aggregator.tick();
              if (batches.length > 0) sendBatches((msgs) => node.send(msgs), batches);
            });
          }, TICK_MS)
        : undefined;

    // Group commit: readings that arrive within GROUP_MS, or while the previous group is being
    // committed, are stored in one transaction (one fsync), and each message is done only after that commit.
    const waiting = [];
    let timer;
    const storeGroup = async () => {
      const group = waiting.splice(0, GROUP_MAX);
      if (group.length === 0) return;
      if (waiting.length > 0) flush();
      if (!aggregator) {
        for (const item of group) item.done(configError);
        return;
      }
      let results;
      try {
        // A reading for a meter unknown here passed the reading node, whose directory may be newer.
        const unknown = group.some(
          ({ msg }) => !knowsMeter(directory.index, msg.payload.neighbourhood, msg.payload.meteringPointId),
        );
        await refreshDirectory(unknown);
        results = await aggregator.addAll(group.map((item) => item.msg.payload));
      } catch (error) {
        for (const item of group) item.done(error);
        return;
      }
      let closed = false;
      group.forEach(({ msg, send, done }, i) => {
        const result = results[i];
        // Stored, a duplicate, or rejected (and sent on as such): handled either way.
        const from = inboxOf(msg);
        from?.inbox.handled(from.id);
        if (result.status === "rejected") sendRejection(send, msg.payload, result.reason);
        if (result.status === "relayed") metrics.readingRelayed();
        closed = sendBatches(send, result.batches) || closed;
        done();
      });
      // The open interval in the status, once per group: it scans every neighbourhood.
      if (!closed) showOpen();
    };
    function flush() {
      clearTimeout(timer);
      timer = undefined;
      return serially(storeGroup);
    }

    node.on("input", (msg, send, done) => {
      if (configError) {
        done(configError);
        return;
      }
      if (!isReading(msg.payload)) {
        done(new NachbarstromError(RED._("interval.errors.notReading")));
        return;
      }
      waiting.push({ msg, send, done });
      timer ??= setTimeout(flush, GROUP_MS);
    });

    node.on("close", (done) => {
      clearInterval(tickTimer);
      // Readings still gathering are stored before the store closes.
      flush();
      serially(async () => {
        const open = aggregator?.openIntervals() ?? [];
        // Their readings are in the database; the next start closes them.
        if (open.length > 0) node.log(RED._("interval.log.closedOpen", { count: open.length }));
        stopListening();
        if (cluster) await leaveCluster();
        await store?.close();
      }).then(() => done());
    });
  }

  /** The node's setting, else NACHBARSTROM_GRACE_SECONDS, else 60 s; anything else is a configuration error. */
  function graceSeconds(configured, fromEnv) {
    for (const [value, where] of [
      [configured, "the node's grace period"],
      [fromEnv, GRACE_SECONDS_ENV],
    ]) {
      if (value === undefined || value === null || String(value).trim() === "") continue;
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new BridgeConfigurationError(`Invalid grace period ${JSON.stringify(value)}`, {
          details: `${where} must be a number of seconds, 0 or more`,
        });
      }
      return seconds;
    }
    return DEFAULT_GRACE_SECONDS;
  }

  RED.nodes.registerType("nachbarstrom-interval", NachbarstromIntervalNode);
};
