"use strict";
/**
 * nachbarstrom-reading: the edge of the bridge. Parses and validates one meter reading per message
 * (topic nachbarstrom/<neighbourhood>/<meteringPointId>/reading, JSON payload) against the meter
 * directory. Output 1: the valid reading; output 2: a rejection with its reason, addressed to
 * nachbarstrom/<neighbourhood>/rejected. The logic lives in ../src/reading-gate.ts.
 */
const { configErrorStatus, errorLogText } = require("./lib/node-support.js");

module.exports = async function (RED) {
  const { createReadingGate } = await import("../src/reading-gate.ts");
  const { METERS_ENV, loadDirectory, meterDirectoryFile } = await import("../src/directory.ts");

  function NachbarstromReadingNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const counts = { valid: 0, duplicate: 0, rejected: 0 };
    let gate;
    let configError;
    try {
      const file = meterDirectoryFile(config.meters, RED.util.getSetting(node, METERS_ENV));
      const maxPowerKw = Number(config.maxPowerKw);
      gate = createReadingGate({
        directory: loadDirectory(file),
        maxPowerW: Number.isFinite(maxPowerKw) && maxPowerKw > 0 ? BigInt(Math.round(maxPowerKw * 1000)) : undefined,
      });
      node.status({ fill: "grey", shape: "ring", text: RED._("reading.status.waiting") });
    } catch (error) {
      configError = error;
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    }

    const showCounts = (fill) => node.status({ fill, shape: "dot", text: RED._("reading.status.counts", counts) });

    node.on("input", (msg, send, done) => {
      if (!gate) {
        done(configError);
        return;
      }
      let result;
      try {
        result = gate.pass(msg.topic, msg.payload);
      } catch (error) {
        done(error);
        return;
      }
      if (result.kind === "valid") {
        counts.valid += 1;
        msg.payload = result.reading;
        send([msg, null]);
        showCounts("green");
      } else if (result.kind === "duplicate") {
        // QoS 1 delivers at least once: a repeated reading is expected, counted, and not passed on.
        counts.duplicate += 1;
        node.debug(RED._("reading.log.duplicate", { topic: msg.topic }));
        showCounts("green");
      } else {
        counts.rejected += 1;
        msg.topic = result.topic;
        msg.payload = result.rejection;
        send([null, msg]);
        node.warn(RED._("reading.log.rejected", { topic: result.rejection.topic, reason: result.rejection.reason }));
        showCounts("yellow");
      }
      done();
    });
  }

  RED.nodes.registerType("nachbarstrom-reading", NachbarstromReadingNode);
};
