import type { Hex } from "viem";
import type { AccountsStore } from "../auth/store.ts";

/** The audit log's kind of a registerNeighbourhood action; its details name the slug and the id. */
export const REGISTER_KIND = "neighbourhood.register";

/** A neighbourhood the portal registered on chain, as the directory names it. */
export type RegisteredNeighbourhood = { slug: string; id: Hex };

/**
 * Every neighbourhood whose registerNeighbourhood action is confirmed, in the order they were
 * registered: the audit log is what says a registration happened, so the directory follows it (as
 * metering points follow their registerMeter action, meters/metering-points.ts).
 */
export async function registeredNeighbourhoods(store: AccountsStore): Promise<RegisteredNeighbourhood[]> {
  const rows = await store
    .prepare("SELECT details FROM actions WHERE kind = ? AND state = 'confirmed' ORDER BY seq")
    .all(REGISTER_KIND);
  return rows.map((row) => {
    const details = JSON.parse(String(row.details)) as { slug: string; neighbourhood: Hex };
    return { slug: String(details.slug), id: details.neighbourhood };
  });
}
