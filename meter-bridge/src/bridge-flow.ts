import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bridgeClientId } from "./cluster-runtime.ts";
import { BridgeConfigurationError } from "./errors.ts";

/**
 * The flow shipped with the package: one mqtt in per meter format and the HTTP ingest node, each into a
 * reading node set to its format, all into one interval node → settle; rejections → mqtt out.
 */
export const SHIPPED_FLOW_FILE = fileURLToPath(new URL("../flows/nachbarstrom.json", import.meta.url));

export type FlowNode = { id: string; type: string; [property: string]: unknown };
export type EnvEntry = { name: string; value: string; type: "str" | "cred" };

export type PrepareFlowParameters = {
  flow: FlowNode[];
  /** Plain settings for Node-RED's global environment, e.g. MQTT_HOST. Stored in the flow file. */
  env: Record<string, string>;
  /** Secret settings, e.g. NACHBARSTROM_BRIDGE_KEY. Stored encrypted in the credentials file. */
  secrets: Record<string, string>;
  /**
   * Credentials of single nodes, by node id, e.g. `{ tokens: "${NACHBARSTROM_INGEST_TOKENS}" }`. Meant for
   * references to `secrets`, which Node-RED resolves when it creates the node, not for the secrets.
   */
  nodeCredentials?: Record<string, Record<string, string>>;
};

export type PrepareFlowReturnType = {
  flows: FlowNode[];
  /** Credentials by node id, as Node-RED's runtime API setFlows() takes them. */
  credentials: Record<string, Record<string, string> | { map: Record<string, string> }>;
};

const GLOBAL_CONFIG_ID = "5e7a1b2c3d4e00ff";

/**
 * Puts the launcher's settings into Node-RED's global environment (the `global-config` node, shown
 * in the editor under User Settings → Environment), so the shipped flow runs unchanged: `${MQTT_HOST}`
 * in the broker config and the nodes' environment defaults resolve from there. Secrets become
 * `cred` entries, which Node-RED keeps encrypted in its credentials file.
 */
export function prepareFlow({
  flow,
  env,
  secrets,
  nodeCredentials = {},
}: PrepareFlowParameters): PrepareFlowReturnType {
  const others = flow.filter((node) => node.type !== "global-config");
  const existing = flow.find((node) => node.type === "global-config");
  const id = existing?.id ?? GLOBAL_CONFIG_ID;
  const kept = envEntries(existing).filter((entry) => !(entry.name in env) && !(entry.name in secrets));
  const entries: EnvEntry[] = [
    ...kept,
    ...Object.entries(env).map(([name, value]): EnvEntry => ({ name, value, type: "str" })),
    ...Object.keys(secrets).map((name): EnvEntry => ({ name, value: "", type: "cred" })),
  ];
  const globalConfig: FlowNode = {
    ...existing,
    id,
    type: "global-config",
    env: entries,
    modules: existing?.modules ?? {},
  };
  // A node's own credentials are its properties; the global environment's are under `map`.
  const credentials: PrepareFlowReturnType["credentials"] = { ...structuredClone(nodeCredentials) };
  credentials[id] = { map: { ...secrets } };
  return { flows: [...others, globalConfig], credentials };
}

/** The HTTP ingest node's type; its bearer tokens are its `tokens` credential. */
export const INGEST_NODE_TYPE = "nachbarstrom-http-ingest";

/** The environment variable with the HTTP ingest tokens, `operator=token;…` (see http-ingest.ts parseTokens). */
export const INGEST_TOKENS_ENV = "NACHBARSTROM_INGEST_TOKENS";

export type EnableIngestReturnType = {
  flow: FlowNode[];
  /** For prepareFlow's nodeCredentials: each ingest node's tokens refer to `tokensEnv`. */
  nodeCredentials: Record<string, Record<string, string>>;
};

/**
 * Enables every HTTP ingest node of a flow (the shipped flow has it disabled until tokens are set) and
 * points its tokens credential at the environment variable `tokensEnv`, which the caller sets as a
 * secret. Node-RED replaces a credential that is exactly `${NAME}` when it creates the node.
 */
export function enableIngest(flow: FlowNode[], tokensEnv: string = INGEST_TOKENS_ENV): EnableIngestReturnType {
  const nodeCredentials: Record<string, Record<string, string>> = {};
  const enabled = flow.map((node) => {
    if (node.type !== INGEST_NODE_TYPE) return node;
    nodeCredentials[node.id] = { tokens: `\${${tokensEnv}}` };
    return { ...node, d: false };
  });
  return { flow: enabled, nodeCredentials };
}

/** The shared subscription group of the bridge processes (ADR 0011). */
export const SHARE_GROUP = "nachbarstrom-bridge";
/** How long the broker keeps a bridge process's session while it is away: until a survivor adopts it. */
const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * The flow of bridge process `instance` among several (ADR 0011): its MQTT inputs subscribe as one
 * shared-subscription group (MQTT 5), so the broker gives each message to one process; its broker
 * connection keeps a persistent session under a client id of its own, which a survivor can adopt.
 */
export function clusterFlow(flow: FlowNode[], instance: string): FlowNode[] {
  return flow.map((node) => {
    if (node.type === "mqtt-broker") {
      return {
        ...node,
        clientid: bridgeClientId(instance),
        protocolVersion: 5,
        cleansession: false,
        sessionExpiry: String(SESSION_EXPIRY_SECONDS),
      };
    }
    if (node.type === "nachbarstrom-mqtt-in" && typeof node.topic === "string" && !node.topic.startsWith("$share/")) {
      return { ...node, topic: `$share/${SHARE_GROUP}/${node.topic}` };
    }
    return node;
  });
}

/** Reads a flow file (a JSON array of nodes, as Node-RED exports it). */
export function readFlowFile(file: string): FlowNode[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new BridgeConfigurationError(`Cannot read the flow file ${file}`, {
      details: (cause as Error).message,
      cause,
    });
  }
  if (!Array.isArray(json) || !json.every(isFlowNode)) {
    throw new BridgeConfigurationError(`Invalid flow file ${file}`, {
      details: "expected a JSON array of nodes, each with a string id and type",
    });
  }
  return json;
}

function isFlowNode(value: unknown): value is FlowNode {
  if (value === null || typeof value !== "object") return false;
  const node = value as Record<string, unknown>;
  return typeof node.id === "string" && typeof node.type === "string";
}

function envEntries(node: FlowNode | undefined): EnvEntry[] {
  const env = node?.env;
  return Array.isArray(env) ? (env as EnvEntry[]) : [];
}
