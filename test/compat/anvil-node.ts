/**
 * Foundry's anvil, started to behave like the production Besu network where it can: the EVM at the fork
 * the contracts are compiled for, base fee 0, no ether in any account (so a deployment must cost
 * nothing, as on the free-gas QBFT chain), and the genesis' block gas limit. Only the chain id stays
 * 31337, the one chain on which development keys are accepted.
 */
import { NachbarstromError } from "@nachbarstrom/core";
import { anvilBinary } from "../../scripts/stack/chain.ts";
import { freePort, spawnService, waitFor, type Service } from "../../scripts/stack/processes.ts";

export type AnvilNode = Service & { rpcUrl: string; port: number };

export async function startAnvil({ hardfork, gasLimit }: { hardfork: string; gasLimit: bigint }): Promise<AnvilNode> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const service = spawnService({
    name: "anvil",
    command: anvilBinary(),
    args: [
      ...["--host", "127.0.0.1", "--port", String(port), "--silent"],
      ...["--hardfork", hardfork, "--gas-limit", String(gasLimit)],
      // No --gas-price 0: anvil then fills transactions with a fee cap of 0 below its own 1 gwei tip.
      ...["--base-fee", "0", "--balance", "0"],
    ],
    log: (line) => {
      if (/error/i.test(line)) console.log(line);
    },
  });
  await waitFor(`anvil at ${rpcUrl}`, async () => {
    if (service.child.exitCode !== null) {
      throw new NachbarstromError("anvil could not start", { details: `exit code ${service.child.exitCode}` });
    }
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  });
  return { ...service, rpcUrl, port };
}
