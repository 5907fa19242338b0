import type { DatabaseSync } from "node:sqlite";
import type { Deployment } from "@nachbarstrom/core/deployment";
import type { PublicClient } from "viem";
import { readModelConfig } from "./config.ts";
import { follow, type Follower } from "./follow.ts";
import { createIndexer, indexerClient } from "./indexer.ts";
import { openReadModelStore, type ReadModelStore } from "./store.ts";

/** The portal's read model: the database the pages query, and how to bring it up to date. */
export type PortalReadModel = {
  readonly db: DatabaseSync;
  /** Resolves once the read model is at most one poll period behind the chain. */
  fresh(): Promise<void>;
};

let current: { key: string; store: ReadModelStore; follower: Follower; model: PortalReadModel } | undefined;

/**
 * The read model of `deployment`, opened and followed on first use and kept for the process. A new
 * deployment file (other chain, contracts or RPC) closes the old one and opens the new; a file of
 * another deployment is rebuilt by the indexer's first catch-up.
 */
export function portalReadModel(
  deployment: Deployment,
  client: PublicClient,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PortalReadModel {
  const config = readModelConfig(env);
  const key = JSON.stringify({ deployment, config: { ...config, rangeBlocks: String(config.rangeBlocks) } }, (_, v) =>
    typeof v === "bigint" ? String(v) : v,
  );
  if (current?.key === key) return current.model;
  if (current) {
    const { follower, store } = current;
    void follower.stop().finally(() => store.close());
  }
  const store = openReadModelStore({ file: config.file });
  const log = (line: string) => console.info(`[web] ${line}`);
  const indexer = createIndexer({
    store,
    client: indexerClient(client),
    deployment,
    rangeBlocks: config.rangeBlocks,
    confirmations: config.confirmations,
    log,
  });
  const follower = follow({ indexer, pollMs: config.pollMs, log });
  const model: PortalReadModel = { db: store.db, fresh: () => follower.fresh(config.pollMs) };
  current = { key, store, follower, model };
  log(`[read-model] ${config.file}, following chain ${deployment.chainId} from block ${deployment.deployedAtBlock}`);
  return model;
}
