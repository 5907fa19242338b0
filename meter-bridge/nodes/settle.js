"use strict";
/**
 * nachbarstrom-settle: settles the batches of the bridge database's outbox on the settlement
 * contract, one after the other, and sends each outcome { neighbourhood, interval, txHash,
 * alreadySettled, commitmentMatches }. An incoming batch is put into the outbox (where the interval
 * node has usually put it already) and acknowledged; at start the node resumes what a stop or crash
 * left open. An interval that had settled before counts as done (never twice); while the RPC is
 * unreachable a batch is retried with backoff. The logic lives in ../src/outbox-settler.ts.
 */
const { configErrorStatus, errorLogText, errorText, shortHex, shortText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");

/** Also look into the outbox this often, for batches that reached it without a message to this node. */
const POLL_MS = 30_000;
/** With several bridge processes the outbox also fills from the others: the sender looks this often. */
const CLUSTER_POLL_MS = 2_000;

module.exports = async function (RED) {
  const { createOutboxSettler } = await import("../src/outbox-settler.ts");
  const { createOutbox } = await import("../src/outbox.ts");
  const { openStore } = await import("../src/store.ts");
  const { nodeStoreLocation } = await import("../src/store-file.ts");
  const { BRIDGE_INSTANCE_ENV } = await import("../src/inbox.ts");
  const { LEASE_MS_ENV, joinCluster, leaveCluster } = await import("../src/cluster-runtime.ts");
  const { METERS_ENV, meterDirectoryFile } = await import("../src/directory.ts");
  const { BridgeConfigurationError } = await import("../src/errors.ts");
  const { NachbarstromError } = await import("@nachbarstrom/core");
  const metrics = await runtimeMetrics(RED);

  function NachbarstromSettleNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const chain = RED.nodes.getNode(config.chain);
    const abort = new AbortController();
    let store;
    let outbox;
    let settler;
    let port;
    let configError;
    let settling = false;
    let poll;
    // One of several bridge processes (ADR 0011): only the holder of the outbox lease sends.
    let cluster;

    const labelOf = (batch) => `${batch.neighbourhood} #${batch.interval}`;
    const batchMessage = (batch) => ({ topic: `nachbarstrom/${batch.neighbourhood}/batch`, payload: batch });
    /** How many entries wait to be settled (also reported as a metric). */
    const open = async () => {
      const counts = await outbox.counts();
      const waiting = counts.pending + counts.submitted;
      metrics.setOutboxDepth(waiting);
      return waiting;
    };
    const logError = (error) => node.error(errorLogText(error));

    const started = (async () => {
      const setting = (name) => RED.util.getSetting(node, name);
      const location = nodeStoreLocation(config.database, setting, RED.settings.userDir);
      store = await openStore({ location });
      const instance = setting(BRIDGE_INSTANCE_ENV);
      const leaseMs = setting(LEASE_MS_ENV);
      cluster = instance
        ? await joinCluster({
            instance,
            location,
            directoryFile: meterDirectoryFile(undefined, setting(METERS_ENV)),
            leaseMs: leaseMs ? Number(leaseMs) : undefined,
            log: (line) => node.log(line),
          })
        : undefined;
      outbox = createOutbox(store);
      if (!chain || typeof chain.settlementPort !== "function") {
        throw new BridgeConfigurationError(RED._("settle.errors.noChain"));
      }
      port = chain.settlementPort();
      node.status({ fill: "grey", shape: "ring", text: RED._("settle.status.connecting") });
      port.health().then(
        (health) => {
          if (abort.signal.aborted || settling) return;
          if (!health.hasBridgeRole) {
            node.status({ fill: "red", shape: "dot", text: RED._("settle.status.noRole") });
            node.error(RED._("settle.errors.noRole", { account: health.account }));
          } else {
            node.status({
              fill: "green",
              shape: "ring",
              text: RED._("settle.status.ready", { account: shortHex(health.account) }),
            });
          }
        },
        (error) => {
          if (abort.signal.aborted || settling) return;
          node.status({ fill: "yellow", shape: "ring", text: RED._("settle.status.unreachable") });
          node.warn(RED._("settle.log.unreachable", { error: errorLogText(error) }));
        },
      );
      settler = createOutboxSettler({
        outbox,
        port,
        signal: abort.signal,
        onSettling: (entry) => {
          settling = true;
          metrics.batchSubmitted();
          open().then((waiting) => {
            const text = RED._("settle.status.settling", { label: labelOf(entry.batch), queued: waiting - 1 });
            node.status({ fill: "blue", shape: "dot", text: shortText(text) });
          }, logError);
        },
        onRetry: (entry, { attempt, delayMs, error }) => {
          metrics.batchRetried();
          const text = RED._("settle.status.retrying", { attempt, seconds: Math.round(delayMs / 1000) });
          node.status({ fill: "yellow", shape: "ring", text });
          node.warn(RED._("settle.log.retrying", { label: labelOf(entry.batch), attempt, error: errorLogText(error) }));
        },
        onSettled: (entry, outcome) => {
          metrics.batchConfirmed(outcome.alreadySettled);
          open().catch(logError);
          const label = labelOf(entry.batch);
          if (!outcome.commitmentMatches) node.warn(RED._("settle.log.commitmentMismatch", { label }));
          const key = outcome.alreadySettled ? "settle.status.alreadySettled" : "settle.status.settled";
          const text = shortText(RED._(key, { label, tx: shortHex(outcome.txHash) }));
          node.status({ fill: "green", shape: "dot", text });
          node.send({ topic: `nachbarstrom/${entry.batch.neighbourhood}/settled`, payload: outcome });
        },
        onFailed: (entry, error) => {
          metrics.batchFailed();
          open().catch(logError);
          node.status({ fill: "red", shape: "dot", text: shortText(errorText(error)) });
          // With the batch as the message, so a catch node sees which one failed.
          node.error(error, batchMessage(entry.batch));
        },
      });
      const retried = await outbox.retryFailed();
      const waiting = await open();
      if (waiting > 0) node.log(RED._("settle.log.resuming", { count: waiting, retried, file: store.location }));
    })().catch((error) => {
      configError = error;
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    });

    let draining = Promise.resolve();
    /** Settles what the outbox holds; resolves when it is empty, the node stops, or the database fails. */
    function drain() {
      if (!settler || abort.signal.aborted) return draining;
      if (cluster && !cluster.ownsOutbox()) return draining;
      draining = settler.drain().then(
        () => {
          settling = false;
        },
        (error) => {
          settling = false;
          node.status({ fill: "red", shape: "dot", text: shortText(errorText(error)) });
          node.error(errorLogText(error));
        },
      );
      return draining;
    }
    started.then(() => {
      if (!settler || abort.signal.aborted) return;
      drain();
      poll = setInterval(drain, cluster ? CLUSTER_POLL_MS : POLL_MS);
    });

    const isBatch = (b) =>
      b !== null &&
      typeof b === "object" &&
      typeof b.neighbourhood === "string" &&
      typeof b.interval === "bigint" &&
      Array.isArray(b.meters) &&
      typeof b.commitment === "string";

    node.on("input", async (msg, send, done) => {
      if (!isBatch(msg.payload)) {
        done(new NachbarstromError(RED._("settle.errors.notBatch")));
        return;
      }
      await started;
      if (!outbox) {
        done(configError);
        return;
      }
      try {
        // Kept in the outbox even when the chain is not configured: it settles once that is fixed.
        await outbox.enqueue(msg.payload);
        await open();
      } catch (error) {
        done(error);
        return;
      }
      if (!port) {
        done(configError);
        return;
      }
      done();
      drain();
    });

    node.on("close", (done) => {
      abort.abort();
      // The batch in flight ends soon: its retry wait is aborted, a sent transaction gets its receipt.
      started
        .then(() => {
          clearInterval(poll);
          return drain();
        })
        .then(async () => {
          if (outbox) {
            const waiting = await open();
            if (waiting > 0) node.log(RED._("settle.log.kept", { count: waiting }));
          }
        })
        .catch(logError)
        .finally(async () => {
          if (cluster) await leaveCluster().catch(logError);
          await store?.close();
          done();
        });
    });
  }

  RED.nodes.registerType("nachbarstrom-settle", NachbarstromSettleNode);
};
