import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { readHousehold } from "#lib/server/household.ts";
import { HOUSEHOLD_INTERVAL_LIMIT } from "#lib/server/household-rows.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  return { household: await readChain((chain) => readHousehold(chain, owner)), limit: HOUSEHOLD_INTERVAL_LIMIT };
};
