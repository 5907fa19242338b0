import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { readPreferences } from "#lib/server/contracts/preferences.ts";
import { metersOf } from "#lib/server/read-model/queries.ts";
import type { PageServerLoad } from "./$types";

/** The price limits and share weight of each of the household's meters, as the chain holds them now. */
export const load: PageServerLoad = async ({ params, locals }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const meters = await readChain(async (chain) => readPreferences(chain, await metersOf(chain.readModel, owner)));
  const canAct = locals.user?.account.toLowerCase() === owner.toLowerCase();
  return { owner, canAct, meters };
};
