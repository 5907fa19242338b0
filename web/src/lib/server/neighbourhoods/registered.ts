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
export function registeredNeighbourhoods(store: AccountsStore): RegisteredNeighbourhood[] {
  return store.db
    .prepare(
      `SELECT json_extract(details, '$.slug') AS slug, json_extract(details, '$.neighbourhood') AS id
       FROM actions WHERE kind = ? AND state = 'confirmed' ORDER BY seq`,
    )
    .all(REGISTER_KIND)
    .map((row) => ({ slug: String(row.slug), id: String(row.id) as Hex }));
}
