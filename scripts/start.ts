/**
 * `npm start`: the whole demo on this machine — chain, contracts, the demo neighbourhood, MQTT broker,
 * Node-RED bridge, simulator and portal — then prints where to look. Ctrl-C stops everything.
 *
 * Settings (environment): MQTT_URL (external broker instead of the embedded one), NACHBARSTROM_SPEED
 * (simulated seconds per wall second, default 180: a 15-minute interval every 5 s),
 * NACHBARSTROM_SIM_START (ISO time the simulated clock starts at; default the last 21 June, 04:00 UTC),
 * PORT_CHAIN, PORT_MQTT, PORT_NODE_RED,
 * PORT_PORTAL; NACHBARSTROM_DATABASE_URL (a PostgreSQL database for the bridge, the read model and the
 * accounts instead of SQLite files; the demo empties its three schemas at start) and
 * NACHBARSTROM_PORTAL_PROCESSES (portal processes behind a load balancer on PORT_PORTAL; needs the
 * database URL).
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { DATABASE_URL_ENV } from "@nachbarstrom/core/database";
import { startStack } from "./stack/stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

/**
 * The last 21 June, 04:00 UTC (sunrise in Germany), before now: a sunny day, and in the past, so that
 * the meters' timestamps never lie ahead of the wall clock (the bridge refuses readings from the future).
 */
function lastMidsummerMorning(now = new Date()): string {
  const thisYear = new Date(`${now.getUTCFullYear()}-06-21T04:00:00Z`);
  return thisYear < now ? thisYear.toISOString() : `${now.getUTCFullYear() - 1}-06-21T04:00:00Z`;
}

const startAt = new Date(process.env.NACHBARSTROM_SIM_START ?? lastMidsummerMorning());
if (Number.isNaN(startAt.getTime())) {
  console.error(`NACHBARSTROM_SIM_START must be an ISO date and time, got ${process.env.NACHBARSTROM_SIM_START}`);
  process.exit(2);
}

console.log("Starting Nachbarstrom …");
const stack = await startStack({
  root,
  runtimeDir: join(root, "runtime"),
  ports: {
    chain: numberSetting("PORT_CHAIN", 8545),
    mqtt: numberSetting("PORT_MQTT", 1883),
    nodeRed: numberSetting("PORT_NODE_RED", 1880),
    portal: numberSetting("PORT_PORTAL", 3000),
  },
  mqttUrl: process.env.MQTT_URL || undefined,
  simulation: { startAt, speed: numberSetting("NACHBARSTROM_SPEED", 180) },
  databaseUrl: process.env[DATABASE_URL_ENV] || undefined,
  portalProcesses: numberSetting("NACHBARSTROM_PORTAL_PROCESSES", 1),
});

const household = stack.directory.neighbourhoods[0].meters[0].owner;
const [operatorInvitation, householdInvitation] = stack.invitations;
console.log(`
Nachbarstrom is running — ${DEMO_NEIGHBOURHOOD.name}, ${DEMO_NEIGHBOURHOOD.households.length} households, simulated from ${startAt.toISOString()}

  Portal (start page)      ${stack.urls.portal}/
  A household's page       ${stack.urls.portal}/household/${household}
  Operator console         ${stack.urls.portal}/operator
  Node-RED editor          ${stack.urls.nodeRed}
  MQTT broker              ${stack.urls.mqtt}
  Chain (JSON-RPC)         ${stack.urls.rpc}

Sign-in is by passkey. One single-use invitation code per account is in
  ${stack.invitationsFile}
  ${operatorInvitation.label.padEnd(24)} ${operatorInvitation.link}
  ${householdInvitation.label.padEnd(24)} ${householdInvitation.link}

The first interval settles a few seconds after the simulator starts. ${
  stack.chainFollowsSimulation
    ? `The chain's clock runs with the
simulated one (${numberSetting("NACHBARSTROM_SPEED", 180)}× real time), so a power contract accepted now serves from the next simulated interval.`
    : `The chain could not follow the simulated
clock: contracts and tariffs made in the portal apply only to later intervals.`
}
Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping …");
    await stack.stop();
    console.log("Stopped.");
    process.exit(0);
  });
}
