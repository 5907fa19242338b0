import { error } from "@sveltejs/kit";
import type { Deployment } from "@nachbarstrom/core/deployment";
import { BaseError, createPublicClient, http, type PublicClient } from "viem";
import { DeploymentUnavailableError, loadDeployment } from "./deployment.ts";

export type ChainContext = { deployment: Deployment; client: PublicClient; latestBlock: bigint };

const clients = new Map<string, PublicClient>();

/** One read-only client per RPC endpoint, reused across requests. */
function publicClientFor({ chainId, rpcUrl }: Deployment): PublicClient {
  const key = `${chainId}@${rpcUrl}`;
  let client = clients.get(key);
  if (!client) {
    client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000, retryCount: 1 }) });
    clients.set(key, client);
  }
  return client;
}

/**
 * Runs `read` against the deployment's chain. A missing or invalid deployment file and an
 * unreachable chain become 503 error pages that say which, instead of a bare 500.
 */
export async function readChain<T>(read: (chain: ChainContext) => Promise<T>): Promise<T> {
  let deployment: Deployment;
  try {
    deployment = loadDeployment();
  } catch (cause) {
    if (!(cause instanceof DeploymentUnavailableError)) throw cause;
    console.error(`[web] ${cause.message}`);
    error(503, cause.shortMessage, { code: "deployment-missing", details: cause.message });
  }
  try {
    const client = publicClientFor(deployment);
    return await read({ deployment, client, latestBlock: await client.getBlockNumber({ cacheTime: 0 }) });
  } catch (cause) {
    const details = cause instanceof BaseError ? cause.shortMessage : String(cause);
    console.error(`[web] chain ${deployment.rpcUrl} (chain id ${deployment.chainId}): ${details}`);
    error(503, "chain unavailable", { code: "chain-unavailable", details: `${deployment.rpcUrl}: ${details}` });
  }
}
