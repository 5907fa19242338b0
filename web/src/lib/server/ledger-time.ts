import type { PublicClient } from "viem";

/**
 * The ledger's "now" in unix seconds: the time the chain's next block will carry (the pending block's
 * timestamp; the newest block's where a node has no pending block). Contract rules compare with
 * block time, so the portal does too — for the tariff in force, today's flows, the current month and
 * the earliest start of a power contract. On a production chain it is the wall clock within a block
 * period; on the demo chain it is the simulated time (scripts/stack/chain-clock.ts).
 */
export async function ledgerTime(client: PublicClient): Promise<number> {
  const block = await client.getBlock({ blockTag: "pending" }).catch(() => client.getBlock({ blockTag: "latest" }));
  return Number(block.timestamp);
}
