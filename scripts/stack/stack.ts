import type { ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  devAccount,
  NachbarstromError,
  type Deployment,
  type MeterDirectory,
} from "@nachbarstrom/core";
import { DATABASE_URL_ENV } from "@nachbarstrom/core/database";
import pg from "pg";
import { readFlowFile, SHIPPED_FLOW_FILE } from "../../meter-bridge/src/bridge-flow.ts";
import { startBroker } from "../../meter-bridge/src/broker.ts";
import { startBridge } from "../../meter-bridge/src/server.ts";
import { startLiveFeed } from "../../simulation/src/live.ts";
import { withSimulatedMeters, type FeedFormats } from "../../simulation/src/live-formats.ts";
import { startChainClock, type ChainClock } from "./chain-clock.ts";
import { startChain } from "./chain.ts";
import { deployContracts, type DeployParameters } from "./deploy.ts";
import { devPrivateKey } from "./dev-keys.ts";
import { issueDemoInvitations, type DemoInvitation } from "./demo-invitations.ts";
import { onboardDemo } from "./onboard-demo.ts";
import { buildPortalIfStale, startPortal } from "./portal.ts";
import { freePort, type Service } from "./processes.ts";
import { startBalancer, type Balancer } from "./balancer.ts";

export type StackPorts = { chain: number; mqtt: number; nodeRed: number; portal: number };

export type StartStackParameters = {
  root: string;
  runtimeDir: string;
  ports: StackPorts;
  /** An external broker (e.g. Mosquitto); when absent an embedded aedes broker is started. */
  mqttUrl?: string;
  /** Run the simulator's live feed; `speed` is simulated seconds per wall second. */
  simulation?: { startAt: Date; speed: number; formats?: FeedFormats };
  /** Seconds the bridge waits for silent meters before it closes an interval without them. */
  graceSeconds?: number;
  /**
   * How the demo's operator (and treasurer) account signs: "passkey" (default: the portal holds its
   * WELL-KNOWN development key, so every console action can be tried without a wallet extension) or
   * "wallet" (its own wallet signs in with SIWE and sends; what a utility would choose in production).
   */
  operatorCustody?: "passkey" | "wallet";
  /**
   * A PostgreSQL database for the bridge, the read model and the accounts (ADR 0010), instead of SQLite
   * files in the runtime folder. The chain is new on every start, so its three schemas are emptied first.
   */
  databaseUrl?: string;
  /** Portal processes behind a round-robin load balancer (balancer.ts); 1 unless given. Needs `databaseUrl` above 1. */
  portalProcesses?: number;
  log?: (line: string) => void;
};

export type Stack = {
  deployment: Deployment;
  directory: MeterDirectory;
  urls: { rpc: string; mqtt: string; nodeRed: string; portal: string };
  /** The portal's accounts database (a file, or the PostgreSQL URL); tests issue further invitations into it. */
  accountsDb: string;
  /** The portal processes (one unless portalProcesses said more) and, with several, their balancer. */
  portals: { processes: (Service & { url: string; child: ChildProcess })[]; balancer?: Balancer };
  /** One invitation code per demo account (operator first), also in `<runtimeDir>/invitations.txt`. */
  invitations: DemoInvitation[];
  invitationsFile: string;
  /** Whether the chain's block time follows the simulated clock (chain-clock.ts; only with a simulation starting after the chain's now). */
  chainFollowsSimulation: boolean;
  stop(): Promise<void>;
};

/**
 * Starts the whole system on this machine, in the order data flows backwards: chain, contracts,
 * the demo neighbourhood, broker, Node-RED with the shipped flow, portal, and optionally the simulator.
 * Used by `npm start` and by the end-to-end tests. stop() ends everything, newest first.
 */
export async function startStack(parameters: StartStackParameters): Promise<Stack> {
  const { root, runtimeDir, ports, log = console.log } = parameters;
  const services: Service[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await service.stop().catch((error) => log(`[${service.name}] ${error}`));
    services.length = 0;
  };
  try {
    mkdirSync(runtimeDir, { recursive: true });
    buildPortalIfStale(root, log);
    // With a simulation the chain starts two hours before the simulated time (deployment and onboarding
    // happen "before"), and its clock then follows the simulator's (chain-clock.ts).
    const chainStart = parameters.simulation && new Date(parameters.simulation.startAt.getTime() - 2 * 3600_000);
    const chain = await startChain({ port: ports.chain, root, log, startAt: chainStart });
    services.push(chain);
    const deployment = await deployContracts({ rpcUrl: chain.rpcUrl, runtimeDir, roles: demoRoles() });
    const directory = await onboardDemo({ deployment, runtimeDir });
    log(`[chain] contracts deployed; ${DEMO_NEIGHBOURHOOD.households.length} demo households onboarded`);

    let mqttUrl = parameters.mqttUrl;
    if (!mqttUrl) {
      const broker = await startBroker({ port: ports.mqtt, host: "127.0.0.1" });
      services.push({ name: "broker", stop: broker.stop });
      mqttUrl = broker.url;
    }
    const processes = parameters.portalProcesses ?? 1;
    if (processes > 1 && !parameters.databaseUrl) {
      throw new NachbarstromError("Several portal processes need a shared database", {
        details: "give databaseUrl (NACHBARSTROM_DATABASE_URL), a PostgreSQL database",
      });
    }
    // The chain is new on every start, so the bridge's store of readings and batches starts empty too.
    const databaseFile = parameters.databaseUrl ?? join(runtimeDir, "bridge.db");
    if (parameters.databaseUrl) await emptySchemas(parameters.databaseUrl);
    else for (const suffix of ["", "-wal", "-shm"]) rmSync(databaseFile + suffix, { force: true });
    // The demo's meters speak a mix of formats (plain JSON, Tasmota, DSMR P1, LoRaWAN, EIP-712 signed):
    // the shipped flow with the simulated devices bound in each format's reading node.
    const flowFile = join(runtimeDir, "flows-demo.json");
    const flow = withSimulatedMeters(readFlowFile(SHIPPED_FLOW_FILE), DEMO_NEIGHBOURHOOD);
    writeFileSync(flowFile, JSON.stringify(flow, null, 2) + "\n");
    const bridge = await startBridge({
      port: ports.nodeRed,
      flowFile,
      host: "127.0.0.1",
      userDir: join(runtimeDir, "node-red"),
      mqttUrl,
      deploymentFile: join(runtimeDir, "deployment.json"),
      meterDirectoryFile: join(runtimeDir, "meters.json"),
      // WELL-KNOWN LOCAL DEVELOPMENT KEY of the bridge account (see packages/core/src/demo.ts).
      bridgeKey: devPrivateKey(DEV_ACCOUNT_INDEX.bridge),
      graceSeconds: parameters.graceSeconds,
      databaseFile,
    });
    services.push({ name: "node-red", stop: bridge.stop });

    // The portal keeps accounts.db next to the deployment file (web/src/lib/server/auth/store.ts).
    const accountsDb = parameters.databaseUrl ?? join(runtimeDir, "accounts.db");
    const invitationsFile = join(runtimeDir, "invitations.txt");
    const invitations = await issueDemoInvitations({
      accountsDb,
      portalUrl: `http://localhost:${ports.portal}`,
      file: invitationsFile,
      operatorCustody: parameters.operatorCustody ?? "passkey",
    });

    // One portal on the stack's port, or several on ports of their own behind a balancer on it.
    const origin = `http://localhost:${ports.portal}`;
    const portals: Stack["portals"] = { processes: [] };
    for (let i = 0; i < processes; i++) {
      const portal = await startPortal({
        root,
        port: processes === 1 ? ports.portal : await freePort(),
        deploymentFile: join(runtimeDir, "deployment.json"),
        bridgeUrl: bridge.editorUrl,
        meterDirectoryFile: join(runtimeDir, "meters.json"),
        origin,
        env: parameters.databaseUrl ? { [DATABASE_URL_ENV]: parameters.databaseUrl } : {},
        name: processes === 1 ? "portal" : `portal-${i + 1}`,
        log,
      });
      services.push(portal);
      portals.processes.push(portal);
    }
    if (processes > 1) {
      portals.balancer = await startBalancer({ port: ports.portal, backends: portals.processes.map((p) => p.url) });
      services.push({ name: "balancer", stop: portals.balancer.stop });
    }

    let chainClock: ChainClock | undefined;
    if (parameters.simulation) {
      chainClock = await startChainClock({ rpcUrl: chain.rpcUrl, ...parameters.simulation });
      services.push({ name: "chain clock", stop: async () => chainClock?.stop() });
      const feed = await startLiveFeed({ mqttUrl, ...parameters.simulation });
      services.push({ name: "simulation", stop: feed.stop });
    }
    return {
      deployment,
      directory,
      urls: { rpc: chain.rpcUrl, mqtt: mqttUrl, nodeRed: bridge.editorUrl, portal: origin },
      accountsDb,
      portals,
      invitations,
      invitationsFile,
      chainFollowsSimulation: chainClock?.following ?? false,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Empties the demo's three schemas in a PostgreSQL database: the chain they describe is gone. */
async function emptySchemas(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of ["bridge", "read_model", "accounts"])
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The demo's roles, held by well-known development accounts. */
export function demoRoles(): DeployParameters["roles"] {
  const account = (index: number) => devAccount(index).address;
  return {
    admin: account(DEV_ACCOUNT_INDEX.admin),
    // The demo's one development key operates and mints; in production these are two keys.
    operator: account(DEV_ACCOUNT_INDEX.admin),
    treasurer: account(DEV_ACCOUNT_INDEX.admin),
    bridge: account(DEV_ACCOUNT_INDEX.bridge),
    treasury: account(DEV_ACCOUNT_INDEX.treasury),
  };
}

export { devPrivateKey } from "./dev-keys.ts";
