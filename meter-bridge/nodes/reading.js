"use strict";
/**
 * nachbarstrom-reading: the edge of the bridge. Parses and validates one meter reading per message
 * (topic nachbarstrom/<neighbourhood>/<meteringPointId>/reading, JSON payload) against the meter
 * directory. Output 1: the valid reading; output 2: a rejection with its reason, addressed to
 * nachbarstrom/<neighbourhood>/rejected. The logic lives in ../src/reading-gate.ts.
 * With another format (Tasmota, DSMR, SML, D0, LoRaWAN, EIP-712, OCMF; ../src/formats) the message is
 * decoded first (../src/decode-reading.ts); a message may then hold several readings, each sent on
 * output 1 as its own message. Decoding is async: messages are handled one after the other, in order.
 * The meter directory file is looked at again (at most once a second, when a message arrives) and
 * reloaded when it changed, so a meter onboarded in the portal is accepted without a restart.
 */
const { configErrorStatus, errorLogText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");
const { inboxOf } = require("./lib/inbox.js");

module.exports = async function (RED) {
  const { createReadingGate } = await import("../src/reading-gate.ts");
  const { METERS_ENV, meterDirectoryFile, reloadLogText, watchDirectory } = await import("../src/directory.ts");
  const { formatConfig } = await import("../src/decode-reading.ts");
  const { faultPoint } = await import("../src/fault-points.ts");
  const metrics = await runtimeMetrics(RED);

  function NachbarstromReadingNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const counts = { valid: 0, duplicate: 0, rejected: 0 };
    let gate;
    let directory;
    let configError;
    try {
      const file = meterDirectoryFile(config.meters, RED.util.getSetting(node, METERS_ENV));
      const maxPowerKw = Number(config.maxPowerKw);
      const { format, settings } = formatConfig(config.format, config.formatSettings);
      directory = watchDirectory({ file });
      gate = createReadingGate({
        format,
        settings,
        // The live index: a reload replaces its contents, the gate keeps its memory of each meter's latest reading.
        directory: directory.index,
        maxPowerW: Number.isFinite(maxPowerKw) && maxPowerKw > 0 ? BigInt(Math.round(maxPowerKw * 1000)) : undefined,
      });
      node.status({ fill: "grey", shape: "ring", text: RED._("reading.status.waiting") });
    } catch (error) {
      configError = error;
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    }

    const showCounts = (fill) => node.status({ fill, shape: "dot", text: RED._("reading.status.counts", counts) });

    /** Handles one message to the end; resolves when it is done, never rejects. */
    async function handle(msg, send, done) {
      metrics.messageReceived();
      const reloaded = reloadLogText(directory.refresh());
      if (reloaded) node[reloaded.level](reloaded.text);
      let results;
      try {
        results = await gate.passMessage(msg.topic, msg.payload, new Date());
      } catch (error) {
        done(error);
        return;
      }
      // A message from the inbox leaves it once the interval node has stored each valid reading in it.
      const from = inboxOf(msg);
      from?.inbox.expect(from.id, results.filter((r) => r.kind === "valid").length);
      const out = results.map(() => RED.util.cloneMessage(msg));
      results.forEach((result, i) => {
        const each = out[i];
        if (result.kind === "valid") {
          counts.valid += 1;
          metrics.readingAccepted();
          each.payload = result.reading;
          send([each, null]);
          showCounts("green");
        } else if (result.kind === "duplicate") {
          // QoS 1 delivers at least once: a repeated reading is expected, counted, and not passed on.
          counts.duplicate += 1;
          metrics.readingDuplicate();
          node.debug(RED._("reading.log.duplicate", { topic: msg.topic }));
          showCounts("green");
        } else {
          counts.rejected += 1;
          metrics.readingRejected(result.rejection.reason);
          each.topic = result.topic;
          each.payload = result.rejection;
          send([null, each]);
          node.warn(RED._("reading.log.rejected", { topic: result.rejection.topic, reason: result.rejection.reason }));
          showCounts("yellow");
        }
      });
      done();
    }

    // One message at a time, in arrival order: a meter's register sequence is checked in that order.
    let queue = Promise.resolve();
    node.on("input", (msg, send, done) => {
      faultPoint("after-receive", String(msg.topic));
      if (!gate) {
        done(configError);
        return;
      }
      queue = queue.then(() => handle(msg, send, done));
    });
    node.on("close", (done) => {
      queue.then(() => done());
    });
  }

  RED.nodes.registerType("nachbarstrom-reading", NachbarstromReadingNode);
};
