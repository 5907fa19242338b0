import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { NachbarstromError } from "@nachbarstrom/core";
import { spawnService, waitFor, type Service } from "./processes.ts";

const require = createRequire(import.meta.url);
const hardhatCli = join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");

export type StartChainParameters = { port: number; root: string; log?: (line: string) => void };

/** Starts Hardhat's node (a real JSON-RPC chain) on 127.0.0.1 and waits until it answers. */
export async function startChain({ port, root, log }: StartChainParameters): Promise<Service & { rpcUrl: string }> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  const service = spawnService({
    name: "chain",
    command: process.execPath,
    args: [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    cwd: root,
    log: (line) => {
      // The node logs every RPC call; keep only what matters to a person watching.
      if (/error|listening|Started/i.test(line)) log?.(line);
    },
  });
  await waitFor(`the chain at ${rpcUrl}`, async () => {
    if (service.child.exitCode !== null) {
      throw new NachbarstromError("The chain could not start", {
        details: `hardhat node exited with code ${service.child.exitCode}; see its output above`,
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
