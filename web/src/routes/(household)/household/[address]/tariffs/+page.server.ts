import { error } from "@sveltejs/kit";
import { intervalOf } from "@nachbarstrom/core/units";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { householdTariffs } from "#lib/server/statements/tariffs.ts";
import type { PageServerLoad } from "./$types";

/** The tariffs of the household's neighbourhoods; in force and announced against the wall clock's interval. */
export const load: PageServerLoad = async ({ params }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const now = intervalOf(Date.now() / 1000);
  return { owner, tariffs: await readChain(async ({ readModel }) => householdTariffs(readModel, owner, now)) };
};
