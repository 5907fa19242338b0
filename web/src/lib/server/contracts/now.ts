import { intervalOf } from "@nachbarstrom/core/units";
import type { PublicClient } from "viem";
import { ledgerTime } from "../ledger-time.ts";

/** The interval the next block will be in: contract rules compare with the block's time (ledger-time.ts). */
export async function chainNow(client: PublicClient): Promise<bigint> {
  return intervalOf(await ledgerTime(client));
}
