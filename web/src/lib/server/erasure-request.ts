import type { Address } from "viem";
import { listActions, recordDone } from "./actions/store.ts";
import type { SessionUser } from "./auth/sessions.ts";
import type { AccountsStore } from "./auth/store.ts";

/** The audit log's kind of a household's request to erase its personal link (/privacy). */
export const ERASURE_REQUEST_KIND = "household.erasure-request";

/** When the account asked for erasure (unix ms), if it did; a later request by the same account adds nothing. */
export async function erasureRequestOf(store: AccountsStore, account: Address): Promise<number | undefined> {
  const [newest] = await listActions(store, { account, kinds: [ERASURE_REQUEST_KIND], limit: 1 });
  return newest?.createdAt;
}

/**
 * Records the signed-in household's request to erase its personal link, in the audit log, where the
 * console's households page (console/households.ts) shows it. Asking twice keeps the first request.
 * The utility carries it out once the household's meters are retired and its money is settled.
 */
export async function requestErasure(store: AccountsStore, user: SessionUser): Promise<number> {
  return store.transaction(async () => {
    const earlier = await erasureRequestOf(store, user.account);
    if (earlier !== undefined) return earlier;
    return (
      await recordDone(store, { account: user.account, userId: user.id, kind: ERASURE_REQUEST_KIND, details: {} })
    ).createdAt;
  });
}
