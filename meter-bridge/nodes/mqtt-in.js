"use strict";
/**
 * nachbarstrom-mqtt-in: subscribes to meter readings through a Node-RED MQTT broker config node, like
 * Node-RED's own MQTT input, but stores each message in the bridge database's inbox before the broker
 * gets its acknowledgement (QoS 1). Messages still in the inbox at start (the process stopped before
 * their readings were stored) are sent again first. See ../src/inbox.ts and lib/inbox.js.
 */
const { configErrorStatus, errorLogText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");
const { holdAcknowledgement, openNodeInbox, releaseInbox, replayInbox } = require("./lib/inbox.js");

module.exports = async function (RED) {
  const metrics = await runtimeMetrics(RED);
  const modules = {
    ...(await import("../src/inbox.ts")),
    ...(await import("../src/store.ts")),
    ...(await import("../src/store-file.ts")),
    redacted: (await import("@nachbarstrom/core/database")).redacted,
  };
  const { BridgeConfigurationError } = await import("../src/errors.ts");
  const { registerReceiver } = await import("../src/cluster-runtime.ts");

  function NachbarstromMqttInNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const topic = (config.topic || "").trim();
    const asBuffer = config.datatype === "buffer";
    let broker;
    let key;
    let source;
    let opening;
    try {
      if (!topic) throw new BridgeConfigurationError(RED._("mqtt-in.errors.noTopic"));
      broker = RED.nodes.getNode(config.broker);
      if (!broker || typeof broker.subscribe !== "function") {
        throw new BridgeConfigurationError(RED._("mqtt-in.errors.noBroker"));
      }
      ({ key, source, inbox: opening } = openNodeInbox(RED, node, config.database, modules, metrics));
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
        _inbox: { store: key, id },
      });
    };

    // What an earlier run received but did not finish goes first, in the order it arrived. Messages
    // arriving before that (the broker delivers a session's queue as soon as it connects) only go into
    // the inbox and are sent after the replay, each once, after the older ones: a newer reading sent
    // first would become the meter's baseline and make the older ones out of order.
    let replayed = false;
    const early = [];
    const sentByReplay = new Set();
    const replay = replayInbox(
      RED,
      node,
      opening,
      source,
      (message) => {
        sentByReplay.add(message.id);
        emit(message.id, message.topic, message.payload);
      },
      (count) => node.log(RED._("mqtt-in.log.replaying", { count, file: key })),
      () => {
        replayed = true;
        // Stored while the replay read the inbox: not among what it sent.
        for (const message of early) if (!sentByReplay.has(message.id)) emit(message.id, message.from, message.payload);
        early.length = 0;
        sentByReplay.clear();
      },
    );

    /** Stores a message in the inbox, then sends it on; resolves once it is stored. */
    const receive = (from, payload) =>
      opening
        .then((inbox) => inbox.add(source, from, payload))
        .then(
          (id) => {
            if (replayed) emit(id, from, payload);
            else early.push({ id, from, payload });
          },
          (error) => {
            // Not stored, not acknowledged: the broker delivers it again with the session.
            node.error(RED._("mqtt-in.errors.notStored", { topic: from, error: errorLogText(error) }));
            throw error;
          },
        );

    // Several bridge processes (ADR 0011): a survivor sends what a dead process left through this node.
    const unregister = registerReceiver({
      nodeId: node.id,
      source,
      emit: (message) => emit(message.id, message.topic, message.payload),
      mqtt: {
        filter: topic.replace(/^\$share\/[^/]+\//, ""),
        get brokerUrl() {
          return broker.brokerurl;
        },
        receive,
      },
    });

    broker.register(node);
    broker.subscribe(
      topic,
      { qos: 1 },
      (from, payload, packet) => {
        // Runs inside the MQTT client's message event: the broker's acknowledgement waits for the commit.
        const stored = receive(from, payload);
        if (packet && packet.qos > 0 && broker.client) holdAcknowledgement(broker.client, packet, stored);
        else stored.catch(() => {});
      },
      node.id,
    );
    if (broker.connected) node.status({ fill: "green", shape: "dot", text: "node-red:common.status.connected" });

    node.on("close", (removed, done) => {
      replay?.();
      unregister();
      broker.unsubscribe(topic, node.id, removed);
      broker.deregister(
        node,
        () => {
          releaseInbox(key)
            .catch((error) => node.error(errorLogText(error)))
            .finally(() => done());
        },
        removed,
      );
    });
  }

  RED.nodes.registerType("nachbarstrom-mqtt-in", NachbarstromMqttInNode);
};
