/**
 * The bridge under test of `npm run bench:bridge` in a process of its own (bench-bridge-runner.ts), so
 * its V8 flags are its own and its peak memory can be read from /proc.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { toHex } from "viem";
import { DEV_ACCOUNT_INDEX, devAccount, NachbarstromError } from "@nachbarstrom/core";
import { waitFor } from "./stack/processes.ts";

export type StartBridgeProcessParameters = {
  /** Names the run in messages and in the process's Node-RED directory. */
  label: string;
  /** V8 flags of the process, e.g. --max-semi-space-size=1. */
  execArgv: readonly string[];
  /** Holds the meter directory (meters.json), the flow (flow.json) and the Node-RED directories. */
  dir: string;
  mqttUrl: string;
  deploymentFile: string;
  databaseFile: string;
  /** When set, the process writes a V8 CPU profile here as it exits (--cpu-prof). */
  cpuProfileDir?: string;
};

export type BridgeProcess = {
  pid: number;
  /** Throws once the process has ended: whoever waits on it can give up at once. */
  alive(): void;
  /** Stops the process (SIGTERM) unless it has ended, and waits until it has. */
  stop(): Promise<void>;
};

/** Starts the bridge process; resolves once its flow runs. */
export async function startBridgeProcess(parameters: StartBridgeProcessParameters): Promise<BridgeProcess> {
  const { label, dir, cpuProfileDir } = parameters;
  const profile = cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(cpuProfileDir)}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...parameters.execArgv,
      ...profile,
      "scripts/bench-bridge-runner.ts",
      join(dir, `node-red-${label}`),
      parameters.mqttUrl,
      parameters.deploymentFile,
      join(dir, "meters.json"),
      parameters.databaseFile,
      join(dir, "flow.json"),
    ],
    {
      // WELL-KNOWN LOCAL DEVELOPMENT KEY of the bridge account (packages/core/src/demo.ts).
      env: { ...process.env, BENCH_BRIDGE_KEY: toHex(devAccount(DEV_ACCOUNT_INDEX.bridge).getHdKey().privateKey!) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      ended = `exit code ${code ?? signal}`;
      resolve();
    }),
  );
  const bridge: BridgeProcess = {
    pid: child.pid!,
    alive() {
      if (ended !== undefined) {
        throw new NachbarstromError(`The bridge process (${label}) ended early`, { details: ended });
      }
    },
    async stop() {
      if (ended === undefined) child.kill("SIGTERM");
      await exited;
    },
  };
  try {
    await waitFor("the bridge to start", async () => (bridge.alive(), output.includes("ready")), 300_000);
  } catch (error) {
    await bridge.stop();
    throw error;
  }
  return bridge;
}

/** The process's peak resident memory (VmHWM) in MB. */
export function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
}
