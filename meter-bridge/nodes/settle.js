"use strict";
/**
 * nachbarstrom-settle: submits each interval batch to the settlement contract, one after the other,
 * and sends the outcome { neighbourhood, interval, txHash, alreadySettled, commitmentMatches }.
 * An interval that had settled before counts as done (never twice); while the RPC is unreachable
 * the batch is retried with backoff. The logic lives in ../src/submit.ts.
 */
const { configErrorStatus, errorLogText, errorText, shortHex, shortText } = require("./lib/node-support.js");

module.exports = async function (RED) {
  const { submitBatch } = await import("../src/submit.ts");
  const { BridgeConfigurationError, SettlementFailedError } = await import("../src/errors.ts");
  const { NachbarstromError } = await import("@nachbarstrom/core");

  function NachbarstromSettleNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const chain = RED.nodes.getNode(config.chain);
    const abort = new AbortController();
    const queue = [];
    let busy = false;
    let draining = Promise.resolve();
    let port;
    let configError;

    try {
      if (!chain || typeof chain.settlementPort !== "function") {
        throw new BridgeConfigurationError(RED._("settle.errors.noChain"));
      }
      port = chain.settlementPort();
      node.status({ fill: "grey", shape: "ring", text: RED._("settle.status.connecting") });
      port.health().then(
        (health) => {
          if (abort.signal.aborted || busy) return;
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
          if (abort.signal.aborted || busy) return;
          node.status({ fill: "yellow", shape: "ring", text: RED._("settle.status.unreachable") });
          node.warn(RED._("settle.log.unreachable", { error: errorLogText(error) }));
        },
      );
    } catch (error) {
      configError = error;
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    }

    const isBatch = (b) =>
      b !== null &&
      typeof b === "object" &&
      typeof b.neighbourhood === "string" &&
      typeof b.interval === "bigint" &&
      Array.isArray(b.meters) &&
      typeof b.commitment === "string";

    async function drain() {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !abort.signal.aborted) {
        const { msg, send, done } = queue.shift();
        const batch = msg.payload;
        const label = `${batch.neighbourhood} #${batch.interval}`;
        node.status({
          fill: "blue",
          shape: "dot",
          text: RED._("settle.status.settling", { label, queued: queue.length }),
        });
        try {
          const outcome = await submitBatch({
            batch,
            port,
            signal: abort.signal,
            onRetry: ({ attempt, delayMs, error }) => {
              const text = RED._("settle.status.retrying", { attempt, seconds: Math.round(delayMs / 1000) });
              node.status({ fill: "yellow", shape: "ring", text });
              node.warn(RED._("settle.log.retrying", { label, attempt, error: errorLogText(error) }));
            },
          });
          if (!outcome.commitmentMatches) {
            node.warn(RED._("settle.log.commitmentMismatch", { label }));
          }
          const key = outcome.alreadySettled ? "settle.status.alreadySettled" : "settle.status.settled";
          node.status({
            fill: "green",
            shape: "dot",
            text: shortText(RED._(key, { label, tx: shortHex(outcome.txHash) })),
          });
          send({ topic: `nachbarstrom/${batch.neighbourhood}/settled`, payload: outcome });
          done();
        } catch (error) {
          node.status({ fill: "red", shape: "dot", text: shortText(errorText(error)) });
          done(error);
        }
      }
      busy = false;
    }

    node.on("input", (msg, send, done) => {
      if (!port) {
        done(configError);
        return;
      }
      if (!isBatch(msg.payload)) {
        done(new NachbarstromError(RED._("settle.errors.notBatch")));
        return;
      }
      queue.push({ msg, send, done });
      if (!busy) draining = drain().catch((error) => node.error(errorLogText(error)));
    });

    node.on("close", (done) => {
      abort.abort();
      // Not durable yet (README, "Limits"): batches still queued are reported, not kept.
      for (const item of queue.splice(0)) {
        const batch = item.msg.payload;
        const label = `${batch.neighbourhood} #${batch.interval}`;
        item.done(new SettlementFailedError(RED._("settle.errors.stopped", { label })));
      }
      // The batch in flight ends soon: its retry wait is aborted, a sent transaction gets its receipt.
      draining.finally(() => done());
    });
  }

  RED.nodes.registerType("nachbarstrom-settle", NachbarstromSettleNode);
};
