/** Blocks per eth_getLogs call; Besu limits a call's range (--rpc-max-logs-range, 5000 by default). */
export const LOG_CHUNK_BLOCKS = 5000n;

export type BlockRange = { fromBlock: bigint; toBlock: bigint };

export type ScanBackwardParameters<T> = {
  /** Oldest block to search, usually the deployment block. */
  fromBlock: bigint;
  /** Newest block to search, usually the latest. */
  toBlock: bigint;
  chunkSize?: bigint;
  fetchRange: (range: BlockRange) => Promise<readonly T[]>;
  /** Stops the scan once what was found is enough; without it the whole range is searched. */
  enough?: (found: readonly T[]) => boolean;
};

/**
 * Fetches logs in chunks from the newest block back to the oldest, so a page that needs only the
 * recent events does not read the whole history. Returns what was found, newest chunk first.
 */
export async function scanBackward<T>({
  fromBlock,
  toBlock,
  chunkSize = LOG_CHUNK_BLOCKS,
  fetchRange,
  enough = () => false,
}: ScanBackwardParameters<T>): Promise<T[]> {
  if (chunkSize < 1n) throw new RangeError(`chunkSize must be at least 1, got ${chunkSize}`);
  const found: T[] = [];
  for (let end = toBlock; end >= fromBlock; end -= chunkSize) {
    const start = end - chunkSize + 1n > fromBlock ? end - chunkSize + 1n : fromBlock;
    found.push(...(await fetchRange({ fromBlock: start, toBlock: end })));
    if (enough(found)) break;
  }
  return found;
}
