import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { readDebts } from "#lib/server/console/debts.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  return { debts: await readChain((chain) => readDebts(chain, chain.readModel)) };
};
