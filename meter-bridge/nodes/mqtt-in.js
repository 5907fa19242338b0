"use strict";
/**
 * nachbarstrom-mqtt-in: subscribes to meter readings through a Node-RED MQTT broker config node, like
 * Node-RED's own MQTT input, but stores each message in the bridge database's inbox before the broker
 * gets its acknowledgement (QoS 1). Messages still in the inbox at start (the process stopped before
 * their readings were stored) are sent again first. See ../src/inbox.ts and lib/inbox.js.
 */
const { configErrorStatus, errorLogText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");
const { openNodeInbox, releaseInbox, replayInbox } = require("./lib/inbox.js");

module.exports = async function (RED) {
  const metrics = await runtimeMetrics(RED);
  const modules = {
    ...(await import("../src/inbox.ts")),
    ...(await import("../src/store.ts")),
    ...(await import("../src/store-file.ts")),
  };
  const { BridgeConfigurationError } = await import("../src/errors.ts");

  function NachbarstromMqttInNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const topic = (config.topic || "").trim();
    const asBuffer = config.datatype === "buffer";
    let broker;
    let file;
    let inbox;
    try {
      if (!topic) throw new BridgeConfigurationError(RED._("mqtt-in.errors.noTopic"));
      broker = RED.nodes.getNode(config.broker);
      if (!broker || typeof broker.subscribe !== "function") {
        throw new BridgeConfigurationError(RED._("mqtt-in.errors.noBroker"));
      }
      ({ file, inbox } = openNodeInbox(RED, node, config.database, modules, metrics));
    } catch (error) {
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
      return;
    }

    const emit = (id, from, payload) => {
      const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      node.send({
        topic: from,
        payload: asBuffer ? bytes : bytes.toString("utf8"),
        qos: 1,
        _inbox: { store: file, id },
      });
    };

    // What an earlier run received but did not finish goes first, in the order it arrived. Messages
    // arriving before that (the broker delivers a session's queue as soon as it connects) only go into
    // the inbox and are sent with the replay, after the older ones: a newer reading sent first would
    // become the meter's baseline and make the older ones out of order.
    let replayed = false;
    const replay = replayInbox(
      RED,
      node,
      inbox,
      (message) => emit(message.id, message.topic, message.payload),
      (count) => node.log(RED._("mqtt-in.log.replaying", { count, file })),
      () => {
        replayed = true;
      },
    );

    broker.register(node);
    broker.subscribe(
      topic,
      { qos: 1 },
      (from, payload) => {
        // Runs inside the MQTT client's message event: the broker's acknowledgement goes out after it.
        let id;
        try {
          id = inbox.add(node.id, from, payload);
        } catch (error) {
          // Not stored: the message is still acknowledged (mqtt.js cannot hold it back), so say so loudly.
          node.error(RED._("mqtt-in.errors.notStored", { topic: from, error: errorLogText(error) }));
          return;
        }
        if (replayed) emit(id, from, payload);
      },
      node.id,
    );
    if (broker.connected) node.status({ fill: "green", shape: "dot", text: "node-red:common.status.connected" });

    node.on("close", (removed, done) => {
      replay?.();
      broker.unsubscribe(topic, node.id, removed);
      broker.deregister(
        node,
        () => {
          releaseInbox(file);
          done();
        },
        removed,
      );
    });
  }

  RED.nodes.registerType("nachbarstrom-mqtt-in", NachbarstromMqttInNode);
};
