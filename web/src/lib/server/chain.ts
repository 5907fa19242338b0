import { error } from "@sveltejs/kit";
import type { Deployment } from "@nachbarstrom/core/deployment";
import { BaseError, createPublicClient, http, type PublicClient } from "viem";
import { DeploymentUnavailableError, loadDeployment } from "./deployment.ts";
import { ReadModelError } from "./read-model/errors.ts";
import { portalReadModel } from "./read-model/portal.ts";
import type { ReadModelDb } from "./read-model/store.ts";

/** The deployment and a client of its chain, for current state (positions, roles). */
export type ChainContext = { deployment: Deployment; client: PublicClient };

/** What a page reads from: the chain for current state, the read model (read-model/) for history. */
export type PortalContext = ChainContext & { readModel: ReadModelDb };

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
 * Runs `read` against the deployment's chain and read model, once the read model is at most one poll
 * period (about a second) behind the chain; the first request after start waits for the initial
 * catch-up. A missing or invalid deployment file, an unreachable chain and a read model that cannot
 * be opened or written become 503 error pages that say which, instead of a bare 500.
 */
export async function readChain<T>(read: (chain: PortalContext) => Promise<T>): Promise<T> {
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
    const model = await portalReadModel(deployment, client);
    await model.fresh();
    return await read({ deployment, client, readModel: model.db });
  } catch (cause) {
    if (cause instanceof ReadModelError) {
      console.error(`[web] ${cause.message}`);
      error(503, cause.shortMessage, { code: "unexpected", details: cause.message });
    }
    const details = cause instanceof BaseError ? cause.shortMessage : String(cause);
    console.error(`[web] chain ${deployment.rpcUrl} (chain id ${deployment.chainId}): ${details}`);
    error(503, "chain unavailable", { code: "chain-unavailable", details: `${deployment.rpcUrl}: ${details}` });
  }
}
