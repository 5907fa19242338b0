/**
 * The bridge process of `npm run bench:bridge`: the real Node-RED runtime with the shipped flow, in a
 * process of its own so the benchmark can read its peak memory. Arguments: userDir, MQTT URL,
 * deployment file, meter directory file, database file; the bridge key comes from BENCH_BRIDGE_KEY.
 * Prints "ready" once the flow runs and stops on SIGTERM.
 */
import { startBridge } from "../meter-bridge/src/server.ts";

const [userDir, mqttUrl, deploymentFile, meterDirectoryFile, databaseFile] = process.argv.slice(2);
const bridge = await startBridge({
  port: 0,
  userDir,
  mqttUrl,
  deploymentFile,
  meterDirectoryFile,
  databaseFile,
  bridgeKey: process.env.BENCH_BRIDGE_KEY ?? "",
  graceSeconds: 3600,
  logLevel: "warn",
});
console.log("ready");
process.on("SIGTERM", () => {
  void bridge.stop().then(() => process.exit(0));
});
