import { intervalOf } from "@nachbarstrom/core/units";
import type { PublicClient } from "viem";

/**
 * The interval the next block will most likely be in: the later of the wall clock's and the newest
 * block's. Contract rules compare with the block's time, and a local chain whose clock was moved ahead
 * (or a node without blocks for a while) differs from the wall clock.
 */
export async function chainNow(client: PublicClient, wallClockMs = Date.now()): Promise<bigint> {
  const block = await client.getBlock({ blockTag: "latest" });
  const wall = intervalOf(wallClockMs / 1000);
  const chain = intervalOf(Number(block.timestamp));
  return wall > chain ? wall : chain;
}
