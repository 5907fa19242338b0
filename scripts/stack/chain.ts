import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { NachbarstromError } from "@nachbarstrom/core";
import { spawnService, waitFor, type Service } from "./processes.ts";

const require = createRequire(import.meta.url);
const hardhatCli = join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");

/**
 * The anvil binary of @foundry-rs/anvil's package for this platform, run directly: the package's
 * wrapper script exits on SIGTERM before anvil has written its state and stopped.
 */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const name = process.platform === "win32" ? "anvil.exe" : "anvil";
  return join(dirname(require.resolve(`${platformPackage}/package.json`)), "bin", name);
}

export type StartChainParameters = {
  port: number;
  root: string;
  log?: (line: string) => void;
  /**
   * Run Foundry's anvil instead of Hardhat's node, keeping the chain in this file: written when the
   * node stops (SIGTERM) and read when it starts, so a restarted node carries on with the same chain.
   * Same chain id (31337) and development accounts as Hardhat's node.
   */
  anvilStateFile?: string;
  /**
   * DEMO: the time the chain's genesis block carries (Hardhat's node, network `demo` in
   * hardhat.config.ts); the chain's clock runs on from there. Unset: the wall clock.
   */
  startAt?: Date;
};

export type Chain = Service & { rpcUrl: string; exited: Promise<number | null> };

/** Starts a local chain node (Hardhat's, or anvil) on 127.0.0.1 and waits until it answers JSON-RPC. */
export async function startChain({ port, root, log, anvilStateFile, startAt }: StartChainParameters): Promise<Chain> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node = anvilStateFile ? "anvil" : "hardhat node";
  const [command, args] = anvilStateFile
    ? [anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--state", anvilStateFile, "--silent"]]
    : [process.execPath, [hardhatCli, "--network", "demo", "node", "--hostname", "127.0.0.1", "--port", String(port)]];
  const service = spawnService({
    name: "chain",
    command,
    args,
    cwd: root,
    env: startAt ? { NACHBARSTROM_CHAIN_START: startAt.toISOString() } : {},
    log: (line) => {
      // The node logs every RPC call; keep only what matters to a person watching.
      if (/error|listening|Started/i.test(line)) log?.(line);
    },
  });
  await waitFor(`the chain at ${rpcUrl}`, async () => {
    if (service.child.exitCode !== null) {
      throw new NachbarstromError("The chain could not start", {
        details: `${node} exited with code ${service.child.exitCode}; see its output above`,
      });
    }
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  });
  return { ...service, rpcUrl };
}
