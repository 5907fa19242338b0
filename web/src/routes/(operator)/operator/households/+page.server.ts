import { readChain } from "#lib/server/chain.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { householdRows } from "#lib/server/console/households.ts";
import type { PageServerLoad } from "./$types";

/** The accounts the portal knows and whether their personal link may be erased; only operators erase. */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  return {
    households: await readChain(async (chain) => householdRows(chain, await accountsStore())),
    canErase: locals.roles?.operator === true,
    me: locals.user?.account,
  };
};
