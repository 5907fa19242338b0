import { setTimeout as sleep } from "node:timers/promises";
import type { Deployment } from "@nachbarstrom/core/deployment";
import type { Address, Hex, PublicClient } from "viem";
import { INTERVAL_SECONDS } from "@nachbarstrom/core/units";
import { decodeLogs, indexedAddresses, type IndexedEvent, type RawLog } from "./decode.ts";
import { ReadModelError } from "./errors.ts";
import { DEFAULT_LEASE_MS, indexerLease, type IndexerLease } from "./indexer-lease.ts";
import type { ReadModelIdentity, ReadModelStore } from "./store.ts";
import { writeEvents } from "./write.ts";

/** Blocks per eth_getLogs call and per transaction; Besu limits a call's range (5000 by default). */
export const DEFAULT_RANGE_BLOCKS = 2000n;

/** What the indexer needs from the chain. */
export type IndexerClient = {
  getBlockNumber(): Promise<bigint>;
  /** The hash of a block; undefined when the chain does not have it (yet). */
  getBlockHash(blockNumber: bigint): Promise<Hex | undefined>;
  /** The timestamp (unix seconds) of a mined block. */
  getBlockTimestamp(blockNumber: bigint): Promise<bigint>;
  getLogs(filter: { address: Address[]; fromBlock: bigint; toBlock: bigint }): Promise<RawLog[]>;
};

export type IndexerParameters = {
  store: ReadModelStore;
  client: IndexerClient;
  deployment: Deployment;
  rangeBlocks?: bigint;
  /** Blocks behind the head that are left out until they are this deep; 0 on the local chain. */
  confirmations?: bigint;
  /** Who of the processes sharing the read model indexes; a lease of its own when not given. */
  lease?: IndexerLease;
  /** Without the lease: how often to look whether the holder has indexed the head, and for how long at most. */
  waitMs?: number;
  maxWaitMs?: number;
  now?: () => number;
  log?: (line: string) => void;
};

export type CatchUpResult = {
  /** The first and last block read, or undefined when there was nothing new. */
  fromBlock?: bigint;
  toBlock?: bigint;
  ranges: number;
  events: number;
  /** Another process holds the indexer's lease: this one waited until the read model had the head. */
  waited?: boolean;
  /** Why the file was emptied and read again from the deployment block, if it was. */
  rebuilt?: string;
};

export type Indexer = {
  /**
   * Reads every log from the last indexed block to the head (minus the confirmations), one range per
   * transaction together with the new last block, so a restart resumes after the last whole range.
   * Only the holder of the indexer's lease writes; without it, waits until the holder has indexed the
   * head, and takes the lease over when the holder lets it expire.
   * Not reentrant: the follower (follow.ts) runs one at a time.
   */
  catchUp(): Promise<CatchUpResult>;
};

/** An indexer of the deployment's contract events into `store`. */
export function createIndexer({
  store,
  client,
  deployment,
  rangeBlocks = DEFAULT_RANGE_BLOCKS,
  confirmations = 0n,
  lease = indexerLease({ db: store.db }),
  waitMs = 200,
  maxWaitMs = 2 * DEFAULT_LEASE_MS,
  now = Date.now,
  log = () => {},
}: IndexerParameters): Indexer {
  if (rangeBlocks < 1n) throw new RangeError(`rangeBlocks must be at least 1, got ${rangeBlocks}`);
  if (confirmations < 0n) throw new RangeError(`confirmations must not be negative, got ${confirmations}`);
  const deployedAtBlock = BigInt(deployment.deployedAtBlock);
  const address = indexedAddresses(deployment);
  let checkedIdentity = false;

  const identity = async (): Promise<ReadModelIdentity> => {
    const hash = await client.getBlockHash(deployedAtBlock);
    if (!hash) {
      throw new ReadModelError("The chain does not have the deployment block", {
        details: `block ${deployedAtBlock} of chain ${deployment.chainId} at ${deployment.rpcUrl} is missing: is the deployment file of another chain?`,
      });
    }
    return {
      chainId: deployment.chainId,
      contracts: deployment.contracts,
      deployedAtBlock,
      deploymentBlockHash: hash,
    };
  };

  /** Rebuilds the read model when it belongs to another deployment or the chain changed under it. */
  const ensureContinuity = async (): Promise<string | undefined> => {
    let reason: string | undefined;
    if (!checkedIdentity) {
      reason = await store.mismatch(await identity());
    } else {
      const progress = await store.progress();
      if (!progress) reason = "the progress row is missing";
      else if (progress.lastBlockHash !== null) {
        const hash = await client.getBlockHash(progress.lastBlock);
        if (hash?.toLowerCase() !== progress.lastBlockHash.toLowerCase()) {
          reason = `block ${progress.lastBlock} ${hash ? "has another hash" : "is gone"} (a reorganisation deeper than the confirmations, or a restarted chain)`;
        }
      }
    }
    if (reason) {
      log(`[read-model] rebuilding ${store.location} from block ${deployedAtBlock}: ${reason}`);
      const fresh = await identity();
      await store.transaction(async (trx) => {
        await lease.assertHeld(trx);
        await store.reset(trx, fresh);
      });
    }
    checkedIdentity = true;
    return reason;
  };

  /** As the holder of the lease: everything from the last indexed block to the target. */
  const index = async (): Promise<CatchUpResult> => {
    const rebuilt = await ensureContinuity();
    const head = await client.getBlockNumber();
    const target = head - confirmations;
    const progress = await store.progress();
    if (!progress) throw new ReadModelError("The read model has no progress row", { details: store.location });
    const result: CatchUpResult = { ranges: 0, events: 0, ...(rebuilt ? { rebuilt } : {}) };
    for (let fromBlock = progress.lastBlock + 1n; fromBlock <= target; fromBlock += rangeBlocks) {
      const toBlock = fromBlock + rangeBlocks - 1n < target ? fromBlock + rangeBlocks - 1n : target;
      const [logs, hash] = await Promise.all([
        client.getLogs({ address, fromBlock, toBlock }),
        client.getBlockHash(toBlock),
      ]);
      if (!hash) throw new ReadModelError("A block below the head is missing", { details: `block ${toBlock}` });
      const events = decodeLogs(logs, deployment);
      const acceptedIn = await acceptanceIntervals(client, events);
      await store.transaction(async (trx) => {
        await lease.assertHeld(trx);
        await writeEvents(trx, events, acceptedIn);
        await store.setProgress(trx, toBlock, hash);
      });
      result.fromBlock ??= fromBlock;
      result.toBlock = toBlock;
      result.ranges += 1;
      result.events += events.length;
    }
    return result;
  };

  /**
   * Without the lease: until the read model (written by the holder) is of this deployment and has
   * the head, or the lease is free to take (the holder stopped renewing it), then indexes itself.
   */
  const waitForHolder = async (): Promise<CatchUpResult> => {
    const wanted = await identity();
    const target = (await client.getBlockNumber()) - confirmations;
    const deadline = now() + maxWaitMs;
    for (;;) {
      const progress = await store.progress();
      if (progress && progress.lastBlock >= target && (await store.mismatch(wanted)) === undefined) {
        return { ranges: 0, events: 0, waited: true };
      }
      if (await lease.acquire()) return index();
      if (now() > deadline) {
        throw new ReadModelError("The read model is behind the chain and this process may not index it", {
          details: `another portal process holds the indexer's lease but has not indexed block ${target} within ${maxWaitMs} ms (indexed: ${progress?.lastBlock ?? "nothing"})`,
        });
      }
      await sleep(waitMs);
    }
  };

  return {
    catchUp: async () => ((await lease.acquire()) ? index() : waitForHolder()),
  };
}

/**
 * The interval of each block that holds a PowerContractAccepted: accepting moves a contract's start to
 * the next interval at the earliest, and the event does not say which that was.
 */
async function acceptanceIntervals(
  client: IndexerClient,
  events: readonly IndexedEvent[],
): Promise<Map<bigint, bigint>> {
  const blocks = new Set(events.filter((e) => e.kind === "PowerContractAccepted").map((e) => e.blockNumber));
  const intervals = new Map<bigint, bigint>();
  for (const block of blocks) intervals.set(block, (await client.getBlockTimestamp(block)) / BigInt(INTERVAL_SECONDS));
  return intervals;
}

/** The indexer's view of a viem public client. */
export function indexerClient(client: PublicClient): IndexerClient {
  return {
    getBlockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
    getBlockHash: async (blockNumber) => {
      try {
        return (await client.getBlock({ blockNumber })).hash ?? undefined;
      } catch (cause) {
        if (cause instanceof Error && cause.name === "BlockNotFoundError") return undefined;
        throw cause;
      }
    },
    getBlockTimestamp: async (blockNumber) => (await client.getBlock({ blockNumber })).timestamp,
    getLogs: async ({ address, fromBlock, toBlock }) =>
      (await client.getLogs({ address, fromBlock, toBlock })).flatMap((log) =>
        log.blockNumber === null || log.logIndex === null || log.transactionHash === null
          ? []
          : [
              {
                address: log.address,
                data: log.data,
                topics: log.topics,
                blockNumber: log.blockNumber,
                logIndex: log.logIndex,
                transactionHash: log.transactionHash,
              },
            ],
      ),
  };
}
