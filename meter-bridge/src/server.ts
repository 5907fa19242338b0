import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { readDeployment, readMeterDirectory } from "@nachbarstrom/core";
import { isPostgresUrl } from "@nachbarstrom/core/database";
import express from "express";
import RED, { type LogLevel } from "node-red";
import { BRIDGE_KEY_ENV, parseBridgeKey } from "./bridge-key.ts";
import {
  INGEST_NODE_TYPE,
  INGEST_TOKENS_ENV,
  SHIPPED_FLOW_FILE,
  clusterFlow,
  enableIngest,
  prepareFlow,
  readFlowFile,
} from "./bridge-flow.ts";
import { CREDENTIAL_SECRET_ENV, DEV_CREDENTIAL_SECRET, bridgeSettings } from "./bridge-settings.ts";
import { GRACE_SECONDS_ENV } from "./aggregate.ts";
import { BridgeConfigurationError, BridgeStartError } from "./errors.ts";
import { watchFlowStarts } from "./flow-events.ts";
import { parseTokens } from "./http-ingest.ts";
import { STORE_FILE_ENV } from "./store-file.ts";
import { BRIDGE_INSTANCE_ENV } from "./inbox.ts";
import { LEASE_MS_ENV } from "./cluster-runtime.ts";

export type StartBridgeParameters = {
  /** Port of the Node-RED editor and admin API; 0 picks a free one. */
  port: number;
  /** Interface to listen on; 127.0.0.1 unless given (the editor has no login in this setup). */
  host?: string;
  /** Node-RED's user directory (flows, encrypted credentials); the launcher owns it. */
  userDir: string;
  /** The MQTT broker, e.g. mqtt://127.0.0.1:1883 (the embedded one, or MQTT_URL). */
  mqttUrl: string;
  deploymentFile: string;
  meterDirectoryFile: string;
  /** Private key of the bridge account (0x and 64 hex digits). */
  bridgeKey: string;
  /** Seconds the interval node waits for silent meters (NACHBARSTROM_GRACE_SECONDS); 60 unless given. */
  graceSeconds?: number;
  /**
   * The bridge database (NACHBARSTROM_BRIDGE_DB): a file or a postgres:// URL; unless given,
   * NACHBARSTROM_DATABASE_URL from the process environment, else `nachbarstrom-bridge.db` in `userDir`. It
   * survives restarts on purpose: a caller that starts a new chain each time should start it afresh too.
   */
  databaseFile?: string;
  /**
   * Bearer tokens of the HTTP ingest node, `operator=token;operator2=token2` (each token at least 16
   * characters); NACHBARSTROM_INGEST_TOKENS from the process environment unless given. With tokens the
   * ingest node is enabled and its credential refers to them; without (or with "") it stays disabled.
   */
  ingestTokens?: string;
  /** Flow to deploy instead of the shipped flows/nachbarstrom.json. */
  flowFile?: string;
  /**
   * The name of this process among several bridge processes on one PostgreSQL database
   * (NACHBARSTROM_BRIDGE_INSTANCE, ADR 0011): its MQTT session, its leases, its inbox rows. Unset, the
   * bridge runs alone.
   */
  instance?: string;
  /** How long its leases last without renewal, in ms (NACHBARSTROM_BRIDGE_LEASE_MS); 15 s unless given. */
  leaseMs?: number;
  /** Node-RED's console log level; "info" unless given. */
  logLevel?: LogLevel;
};

export type StartBridgeReturnType = {
  editorUrl: string;
  /** Stops the flows and the runtime and closes the HTTP server; leaves no handle behind. */
  stop(): Promise<void>;
};

let running = false;

/**
 * Runs the real Node-RED runtime in this process with the bridge's nodes and deploys the shipped flow,
 * with the settings put into Node-RED's global environment (the key as an encrypted credential).
 * Resolves once the flow has started. Node-RED's runtime is a singleton: one bridge per process.
 */
export async function startBridge(parameters: StartBridgeParameters): Promise<StartBridgeReturnType> {
  const { port, host = "127.0.0.1", userDir, logLevel = "info" } = parameters;
  // Check every setting before starting anything, so a mistake is named rather than logged later.
  const deploymentFile = resolve(parameters.deploymentFile);
  const meterDirectoryFile = resolve(parameters.meterDirectoryFile);
  readDeployment(deploymentFile);
  readMeterDirectory(meterDirectoryFile);
  const privateKey = parseBridgeKey(parameters.bridgeKey.trim(), "bridgeKey");
  const mqtt = parseMqttUrl(parameters.mqttUrl);
  if (
    parameters.graceSeconds !== undefined &&
    !(Number.isFinite(parameters.graceSeconds) && parameters.graceSeconds >= 0)
  ) {
    throw new BridgeConfigurationError(`Invalid graceSeconds ${parameters.graceSeconds}`, {
      details: "expected a number of seconds, 0 or more",
    });
  }
  const ingestTokens = (parameters.ingestTokens ?? process.env[INGEST_TOKENS_ENV] ?? "").trim();
  checkIngestTokens(ingestTokens, parameters.ingestTokens === undefined ? INGEST_TOKENS_ENV : "ingestTokens");
  const flow = readFlowFile(parameters.flowFile ?? SHIPPED_FLOW_FILE);
  const ingestOff = flow.some((node) => node.type === INGEST_NODE_TYPE && node.d === true);
  const instance = parameters.instance?.trim() || undefined;
  if (instance !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(instance)) {
    throw new BridgeConfigurationError(`Invalid bridge process name ${JSON.stringify(instance)}`, {
      details: `${BRIDGE_INSTANCE_ENV} must be 1 to 40 letters, digits, - or _ (it becomes the MQTT client id)`,
    });
  }
  const clustered = instance === undefined ? flow : clusterFlow(flow, instance);
  const ingest = ingestTokens ? enableIngest(clustered, INGEST_TOKENS_ENV) : { flow: clustered, nodeCredentials: {} };
  const database = parameters.databaseFile;
  const prepared = prepareFlow({
    flow: ingest.flow,
    env: {
      MQTT_HOST: mqtt.host,
      MQTT_PORT: String(mqtt.port),
      NACHBARSTROM_METERS: meterDirectoryFile,
      NACHBARSTROM_DEPLOYMENT: deploymentFile,
      ...(parameters.graceSeconds === undefined ? {} : { [GRACE_SECONDS_ENV]: String(parameters.graceSeconds) }),
      ...(database === undefined || isPostgresUrl(database) ? {} : { [STORE_FILE_ENV]: resolve(database) }),
      ...(instance === undefined ? {} : { [BRIDGE_INSTANCE_ENV]: instance }),
      ...(parameters.leaseMs === undefined ? {} : { [LEASE_MS_ENV]: String(parameters.leaseMs) }),
    },
    secrets: {
      [BRIDGE_KEY_ENV]: privateKey,
      ...(ingestTokens ? { [INGEST_TOKENS_ENV]: ingestTokens } : {}),
      // A database URL may hold a password: a credential, encrypted, not shown in the editor.
      ...(database !== undefined && isPostgresUrl(database) ? { [STORE_FILE_ENV]: database } : {}),
    },
    nodeCredentials: ingest.nodeCredentials,
  });

  if (running) {
    throw new BridgeStartError("A bridge is already running in this process", {
      details: "Node-RED's runtime is a singleton: stop the running bridge first",
    });
  }
  // Start from an empty flow: the launcher deploys its flow afresh on every start (README).
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, "flows.json"), "[]\n");
  rmSync(join(userDir, "flows_cred.json"), { force: true });

  running = true;
  const app = express();
  const server = createServer(app);
  const starts = watchFlowStarts(RED.events);
  let runtimeStarted = false;
  const shutDown = async () => {
    starts.dispose();
    if (runtimeStarted) {
      // A failure to stop must not hide the error that led here; it is logged instead.
      await RED.stop().catch((error: unknown) => RED.log.error(`Node-RED did not stop cleanly: ${String(error)}`));
    }
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((done) => server.close(() => done()));
    running = false;
  };
  try {
    const credentialSecret = process.env[CREDENTIAL_SECRET_ENV] || DEV_CREDENTIAL_SECRET;
    RED.init(server, bridgeSettings({ userDir, credentialSecret, logLevel }));
    if (credentialSecret === DEV_CREDENTIAL_SECRET) {
      RED.log.warn(`${CREDENTIAL_SECRET_ENV} is not set: credentials are encrypted with the public development secret`);
    }
    if (ingestOff && !ingestTokens) {
      RED.log.warn(`${INGEST_TOKENS_ENV} is not set: the HTTP ingest node stays disabled`);
    }
    app.use("/", RED.httpAdmin);
    app.use("/", RED.httpNode);
    const boundPort = await listen(server, port, host);
    runtimeStarted = true;
    await RED.start();
    await starts.started(undefined);
    const { rev } = await RED.runtime.flows.setFlows({ flows: prepared, deploymentType: "full" });
    await starts.started(rev);
    starts.dispose();
    const urlHost = host.includes(":") ? `[${host}]` : host;
    let stopped: Promise<void> | undefined;
    return { editorUrl: `http://${urlHost}:${boundPort}/`, stop: () => (stopped ??= shutDown()) };
  } catch (error) {
    await shutDown();
    throw error;
  }
}

/**
 * Checks the ingest tokens before anything starts, so a bad entry is named at once instead of leaving the
 * ingest node with a configuration error. The error names the entry and operator, never a token.
 */
function checkIngestTokens(tokens: string, where: string): void {
  if (!tokens) return;
  try {
    parseTokens(tokens);
  } catch (cause) {
    throw new BridgeConfigurationError(`Invalid ${where}`, {
      details: `${(cause as Error).message}; expected operator=token;operator2=token2`,
      cause,
    });
  }
}

function parseMqttUrl(mqttUrl: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(mqttUrl);
  } catch (cause) {
    throw new BridgeConfigurationError(`Invalid MQTT URL ${JSON.stringify(mqttUrl)}`, {
      details: "expected mqtt://host:port",
      cause,
    });
  }
  if (url.protocol !== "mqtt:" && url.protocol !== "tcp:") {
    throw new BridgeConfigurationError(`Unsupported MQTT URL ${mqttUrl}`, {
      details: `the launcher connects with plain mqtt:// only, not ${url.protocol}//; set up TLS in the broker config node`,
    });
  }
  if (url.username || url.password) {
    throw new BridgeConfigurationError(`Unsupported MQTT URL ${url.protocol}//…@${url.host}`, {
      details: "the launcher does not pass broker credentials yet; set them in the broker config node",
    });
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port ? Number(url.port) : 1883 };
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((done, fail) => {
    server.once("error", (cause) =>
      fail(new BridgeStartError(`Cannot listen on ${host}:${port}`, { details: cause.message, cause })),
    );
    server.listen(port, host, () => done());
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}
