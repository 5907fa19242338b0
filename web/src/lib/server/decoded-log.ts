import type { Hex } from "viem";

/** The part of a viem log decoded with `strict: true` that the portal uses. */
export type DecodedLog<Args> = {
  args: Args;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
};

/** Orders logs as the chain does: by block, then by position in the block. */
export function compareChainOrder(a: DecodedLog<unknown>, b: DecodedLog<unknown>): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;
}
