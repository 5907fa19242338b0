import type { Deployment } from "@nachbarstrom/core/deployment";
import type { PublicClient } from "viem";
import { readModelConfig } from "./config.ts";
import { follow, type Follower } from "./follow.ts";
import { indexerLease, type IndexerLease } from "./indexer-lease.ts";
import { createIndexer, indexerClient } from "./indexer.ts";
import { openReadModelStore, type ReadModelDb, type ReadModelStore } from "./store.ts";

/** The portal's read model: the database the pages query, and how to bring it up to date. */
export type PortalReadModel = {
  readonly db: ReadModelDb;
  /** Resolves once the read model is at most one poll period behind the chain. */
  fresh(): Promise<void>;
};

type Current = { store: ReadModelStore; lease: IndexerLease; follower: Follower; model: PortalReadModel };
let current: { key: string; opened: Promise<Current> } | undefined;

/**
 * The read model of `deployment`, opened and followed on first use and kept for the process. A new
 * deployment file (other chain, contracts or RPC) closes the old one and opens the new; a read model
 * of another deployment is rebuilt by the indexer's first catch-up. Of several portal processes on one
 * read model, the one holding the indexer's lease indexes and the others wait for it (indexer-lease.ts).
 */
export async function portalReadModel(
  deployment: Deployment,
  client: PublicClient,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<PortalReadModel> {
  const config = readModelConfig(env);
  const key = JSON.stringify({ deployment, config }, (_, v) => (typeof v === "bigint" ? String(v) : v));
  if (current?.key !== key) {
    const previous = current?.opened;
    const opened = open(deployment, client, config);
    current = { key, opened };
    // A failed open is not kept: the next request tries again.
    opened.catch(() => {
      if (current?.opened === opened) current = undefined;
    });
    if (previous) void previous.then(stop, () => undefined);
  }
  return (await current.opened).model;
}

async function open(
  deployment: Deployment,
  client: PublicClient,
  config: ReturnType<typeof readModelConfig>,
): Promise<Current> {
  const store = await openReadModelStore({ location: config.location });
  const lease = indexerLease({ db: store.db });
  const log = (line: string) => console.info(`[web] ${line}`);
  const indexer = createIndexer({
    store,
    client: indexerClient(client),
    deployment,
    rangeBlocks: config.rangeBlocks,
    confirmations: config.confirmations,
    lease,
    log,
  });
  const follower = follow({ indexer, pollMs: config.pollMs, log });
  const model: PortalReadModel = { db: store.db, fresh: () => follower.fresh(config.pollMs) };
  log(
    `[read-model] ${store.location}, following chain ${deployment.chainId} from block ${deployment.deployedAtBlock} (indexer lease holder ${lease.holder})`,
  );
  return { store, lease, follower, model };
}

/** Stops following, gives the indexer's lease to another process and closes the database. */
async function stop({ store, lease, follower }: Current): Promise<void> {
  await follower.stop();
  await lease.release().catch(() => undefined);
  await store.close();
}
