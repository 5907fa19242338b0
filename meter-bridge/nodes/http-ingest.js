"use strict";
/**
 * nachbarstrom-http-ingest: HTTP ingest for meter operators. Registers POST <path> on Node-RED's HTTP
 * server (httpNode), checks the bearer token against the operators' tokens (a Node-RED credential)
 * and sends one message per valid reading, topic nachbarstrom/<neighbourhood>/<meteringPointId>/reading
 * with the plain JSON reading as payload: what the MQTT input emits, so it wires into the reading node.
 * The logic lives in ../src/http-ingest.ts.
 */
const { configErrorStatus, errorLogText } = require("./lib/node-support.js");
const { runtimeMetrics } = require("./lib/metrics.js");
const { openNodeInbox, releaseInbox, replayInbox } = require("./lib/inbox.js");

module.exports = async function (RED) {
  const { DEFAULT_MAX_BYTES, DEFAULT_MAX_READINGS, DEFAULT_PATH, createIngestHandler, parseTokens } =
    await import("../src/http-ingest.ts");
  const metrics = await runtimeMetrics(RED);
  const modules = {
    ...(await import("../src/inbox.ts")),
    ...(await import("../src/store.ts")),
    ...(await import("../src/store-file.ts")),
    redacted: (await import("@nachbarstrom/core/database")).redacted,
  };

  const positive = (value, fallback) => {
    const number = Number(value);
    return Number.isFinite(number) && number > 0 ? Math.floor(number) : fallback;
  };

  function NachbarstromHttpIngestNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const counts = { accepted: 0, rejected: 0, refused: 0 };
    const trimmed = (config.path || "").trim() || DEFAULT_PATH;
    const path = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
    let route;
    let key;
    let replay;
    try {
      const tokens = parseTokens(node.credentials?.tokens);
      if (tokens.length === 0) throw new Error(RED._("http-ingest.error.noTokens"));
      const opened = openNodeInbox(RED, node, config.database, modules, metrics);
      key = opened.key;
      const { source, inbox: opening } = opened;
      const send = (id, message) =>
        node.send({ ...message, _msgid: RED.util.generateId(), _inbox: { store: key, id } });
      // Readings accepted before a crash but not yet stored go first.
      replay = replayInbox(
        RED,
        node,
        opening,
        source,
        (message) => send(message.id, { topic: message.topic, payload: Buffer.from(message.payload).toString("utf8") }),
        (count) => node.log(RED._("http-ingest.log.replaying", { count, file: key })),
      );
      const handle = createIngestHandler({
        tokens,
        maxReadings: positive(config.maxReadings, DEFAULT_MAX_READINGS),
        maxBytes: positive(config.maxKb, DEFAULT_MAX_BYTES / 1024) * 1024,
        // Stored in the inbox before the 202 goes out; a failure to store answers 500.
        emit: async (message) =>
          send(await (await opening).add(source, message.topic, Buffer.from(message.payload)), message),
        onResult: (outcome) => {
          counts.accepted += outcome.accepted;
          counts.rejected += outcome.rejected;
          if (outcome.status === 401 || outcome.status === 413 || outcome.status >= 500) counts.refused += 1;
          if (outcome.status !== 202) {
            node.warn(
              RED._("http-ingest.log.refused", {
                status: outcome.status,
                operator: outcome.operator ?? "-",
                reason: outcome.error ?? `${outcome.rejected} bad readings`,
              }),
            );
          }
          const fill = outcome.status === 202 ? "green" : "yellow";
          node.status({ fill, shape: "dot", text: RED._("http-ingest.status.counts", counts) });
        },
      });
      route = (req, res) => {
        handle(req, res).catch((error) => {
          node.error(errorLogText(error));
          if (!res.headersSent) res.statusCode = 500;
          res.end();
        });
      };
      RED.httpNode.post(path, route);
      node.status({ fill: "grey", shape: "ring", text: RED._("http-ingest.status.listening", { path }) });
    } catch (error) {
      node.status(configErrorStatus(error));
      node.error(errorLogText(error));
    }

    node.on("close", () => {
      replay?.();
      if (key) releaseInbox(key).catch((error) => node.error(errorLogText(error)));
      if (!route) return;
      const stack = RED.httpNode._router?.stack ?? RED.httpNode.router?.stack ?? [];
      for (let i = stack.length - 1; i >= 0; i -= 1) {
        const layer = stack[i];
        if (layer.route && layer.route.path === path && layer.route.stack.some((s) => s.handle === route)) {
          stack.splice(i, 1);
        }
      }
    });
  }

  RED.nodes.registerType("nachbarstrom-http-ingest", NachbarstromHttpIngestNode, {
    credentials: { tokens: { type: "password" } },
  });
};
