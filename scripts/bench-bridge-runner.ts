/**
 * The bridge process of `npm run bench:bridge` (started by bench-bridge-process.ts): the real Node-RED
 * runtime with the shipped flow, in a process of its own so the benchmark can read its peak memory.
 * Arguments: userDir, MQTT URL, deployment file, meter directory file, database file, flow file (the
 * shipped flow with the simulated devices bound, bench-bridge-district.ts); the bridge key comes from
 * BENCH_BRIDGE_KEY. Prints "ready" once the flow runs and stops on SIGTERM.
 */
import { startBridge } from "../meter-bridge/src/server.ts";

const [userDir, mqttUrl, deploymentFile, meterDirectoryFile, databaseFile, flowFile] = process.argv.slice(2);
const bridge = await startBridge({
  port: 0,
  userDir,
  mqttUrl,
  deploymentFile,
  meterDirectoryFile,
  databaseFile,
  flowFile,
  bridgeKey: process.env.BENCH_BRIDGE_KEY ?? "",
  graceSeconds: 3600,
  logLevel: "warn",
});
console.log("ready");
process.on("SIGTERM", () => {
  void bridge.stop().then(() => process.exit(0));
});
