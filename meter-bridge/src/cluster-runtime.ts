/**
 * The cluster role of this bridge process (ADR 0011), shared by its nodes: started by the first node
 * that asks when NACHBARSTROM_BRIDGE_INSTANCE is set, on the shared PostgreSQL database. It refreshes
 * the leases (cluster.ts), tells the interval node which neighbourhoods it holds, gates the settle node
 * on the outbox lease, and adopts a dead process: its inbox rows and its MQTT session go to this
 * process's input nodes, which registered themselves as receivers.
 */
import { isPostgresUrl, redacted } from "@nachbarstrom/core/database";
import { createCluster, type Cluster } from "./cluster.ts";
import { watchDirectory } from "./directory.ts";
import type { ClusterRole } from "./durable-aggregator.ts";
import { BridgeConfigurationError } from "./errors.ts";
import { createInbox, inboxSource, type InboxMessage } from "./inbox.ts";
import { createOwnership, neighbourhoodLease, OUTBOX_LEASE } from "./ownership.ts";
import { adoptSession } from "./session-adoption.ts";
import { openStore, type Store } from "./store.ts";

/** How long a process's leases last without renewal (ms) unless NACHBARSTROM_BRIDGE_LEASE_MS says. */
export const DEFAULT_LEASE_MS = 15_000;
export const LEASE_MS_ENV = "NACHBARSTROM_BRIDGE_LEASE_MS";

/** The MQTT client id of bridge process `instance` (its persistent session; bridge-flow.ts sets it). */
export function bridgeClientId(instance: string): string {
  return `nachbarstrom-meter-bridge-${instance}`;
}

/** An input node of this process: where adopted messages go. */
export type Receiver = {
  nodeId: string;
  /** Its inbox source in this process. */
  source: string;
  /** Sends an adopted inbox message on, as a replay would. */
  emit(message: InboxMessage): void;
  /** MQTT inputs: the topic filter (without $share) and broker, and how a message is stored and sent. */
  mqtt?: { filter: string; brokerUrl: string; receive(topic: string, payload: Uint8Array): Promise<void> };
};

export type ClusterRuntime = {
  readonly instance: string;
  /** For the aggregator: the neighbourhoods held now and the fence. */
  role(): ClusterRole;
  ownsOutbox(): boolean;
  /** Called when the neighbourhoods held change; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
};

const receivers = new Map<string, Receiver>();
let shared:
  { key: string; users: number; started: Promise<{ runtime: ClusterRuntime; stop(): Promise<void> }> } | undefined;

export function registerReceiver(receiver: Receiver): () => void {
  receivers.set(receiver.nodeId, receiver);
  return () => {
    if (receivers.get(receiver.nodeId) === receiver) receivers.delete(receiver.nodeId);
  };
}

export type JoinClusterParameters = {
  instance: string | undefined;
  location: string;
  directoryFile: string;
  leaseMs?: number;
  log(line: string): void;
};

/** The process's cluster role, or undefined when it runs alone. Give it back with leaveCluster(). */
export async function joinCluster(parameters: JoinClusterParameters): Promise<ClusterRuntime | undefined> {
  const { instance, location } = parameters;
  if (!instance) return undefined;
  if (!isPostgresUrl(location)) {
    throw new BridgeConfigurationError(`Bridge process ${instance} needs a shared PostgreSQL database`, {
      details: `NACHBARSTROM_BRIDGE_INSTANCE is set, but the bridge database is ${redacted(location)}: set NACHBARSTROM_DATABASE_URL`,
    });
  }
  const key = `${instance}@${redacted(location)}`;
  if (shared && shared.key !== key)
    throw new BridgeConfigurationError(`This process already is bridge process ${shared.key}`);
  shared ??= { key, users: 0, started: start({ ...parameters, instance }) };
  shared.users += 1;
  try {
    return (await shared.started).runtime;
  } catch (error) {
    shared = undefined;
    throw error;
  }
}

/** The last node to leave stops the cluster role and gives its leases up. */
export async function leaveCluster(): Promise<void> {
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  const { started } = shared;
  shared = undefined;
  await (await started.catch(() => undefined))?.stop();
}

async function start({
  instance,
  location,
  directoryFile,
  leaseMs = DEFAULT_LEASE_MS,
  log,
}: JoinClusterParameters & { instance: string }): Promise<{ runtime: ClusterRuntime; stop(): Promise<void> }> {
  const store: Store = await openStore({ location });
  const directory = watchDirectory({ file: directoryFile });
  const ownership = createOwnership({ db: store.db, instance, leaseMs });
  const inbox = createInbox(store);
  const listeners = new Set<() => void>();
  let held: ReadonlySet<string> = new Set();

  const cluster: Cluster = createCluster({
    ownership,
    leaseMs,
    neighbourhoods: () => {
      directory.refresh();
      return [...directory.index.keys()];
    },
    onNeighbourhoods: async (owned) => {
      held = owned;
      for (const listener of listeners) listener();
    },
    adoptInbox: async (dead) => {
      for (const receiver of receivers.values()) {
        const adopted = await inbox.adopt(inboxSource(receiver.nodeId, dead), receiver.source);
        if (adopted.length > 0) log(`sends ${adopted.length} messages again that ${dead} had not finished`);
        for (const message of adopted) receiver.emit(message);
      }
    },
    adoptSession: async (dead) => {
      const mqtt = [...receivers.values()].flatMap((receiver) => (receiver.mqtt ? [receiver.mqtt] : []));
      if (mqtt.length === 0) return;
      const taken = await adoptSession({
        url: mqtt[0].brokerUrl,
        clientId: bridgeClientId(dead),
        onMessage: async (topic, payload) => {
          const to = mqtt.find((input) => topicMatches(input.filter, topic));
          if (to) await to.receive(topic, payload);
          else log(`dropped a message of ${dead}'s session on ${topic}: no input of this process subscribes to it`);
        },
      });
      log(`took over ${taken} messages from the MQTT session of ${dead}`);
    },
    log: (line) => log(`[cluster ${instance}] ${line}`),
  });
  await cluster.start();
  return {
    runtime: {
      instance,
      role: () => ({
        instance,
        neighbourhoods: held,
        fence: (trx, neighbourhood) => ownership.assertOwner(trx as never, neighbourhoodLease(neighbourhood)),
      }),
      ownsOutbox: () => ownership.owns(OUTBOX_LEASE),
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    async stop() {
      await cluster.stop();
      await store.close();
    },
  };
}

/** MQTT topic filter matching: `+` one level, `#` the rest. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
