/**
 * Runs the bridge on its own: the real Node-RED runtime with the shipped flow, configured from the
 * environment, until SIGTERM or SIGINT. `npm start` starts the bridge inside the whole demo instead;
 * this is for a bridge of its own (and for the crash tests, which kill this process).
 *
 *   MQTT_URL                  the broker, mqtt://host:port
 *   NACHBARSTROM_DEPLOYMENT   deployment.json of the contracts
 *   NACHBARSTROM_METERS       the meter directory (meters.json)
 *   NACHBARSTROM_BRIDGE_KEY   private key of the bridge account
 *   NACHBARSTROM_BRIDGE_DB    the bridge database, a file or a postgres:// URL (default:
 *                             NACHBARSTROM_DATABASE_URL, else a file in the user directory)
 *   NACHBARSTROM_USER_DIR     Node-RED's user directory (default: ./node-red)
 *   NACHBARSTROM_BRIDGE_PORT  port of the editor and HTTP endpoints (default 1880)
 *   NACHBARSTROM_BRIDGE_INSTANCE  this process's name among several on one PostgreSQL database (ADR 0011)
 *   NACHBARSTROM_BRIDGE_LEASE_MS  how long its leases last without renewal (default 15000)
 *   NACHBARSTROM_GRACE_SECONDS, NACHBARSTROM_CREDENTIAL_SECRET as documented in the README
 */
import { resolve } from "node:path";
import { GRACE_SECONDS_ENV } from "./aggregate.ts";
import { BRIDGE_KEY_ENV } from "./bridge-key.ts";
import { METERS_ENV } from "./directory.ts";
import { BridgeConfigurationError } from "./errors.ts";
import { startBridge } from "./server.ts";
import { BRIDGE_INSTANCE_ENV } from "./inbox.ts";
import { LEASE_MS_ENV } from "./cluster-runtime.ts";
import { STORE_FILE_ENV } from "./store-file.ts";

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new BridgeConfigurationError(`${name} is not set`, { details: "see meter-bridge/src/main.ts" });
  return value;
}

const grace = process.env[GRACE_SECONDS_ENV];
const bridge = await startBridge({
  port: Number(process.env.NACHBARSTROM_BRIDGE_PORT ?? 1880),
  userDir: resolve(process.env.NACHBARSTROM_USER_DIR ?? "node-red"),
  mqttUrl: required("MQTT_URL"),
  deploymentFile: required("NACHBARSTROM_DEPLOYMENT"),
  meterDirectoryFile: required(METERS_ENV),
  bridgeKey: required(BRIDGE_KEY_ENV),
  databaseFile: process.env[STORE_FILE_ENV],
  graceSeconds: grace === undefined ? undefined : Number(grace),
  instance: process.env[BRIDGE_INSTANCE_ENV],
  leaseMs: process.env[LEASE_MS_ENV] === undefined ? undefined : Number(process.env[LEASE_MS_ENV]),
});
console.log(`Nachbarstrom bridge running: ${bridge.editorUrl}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    bridge.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
