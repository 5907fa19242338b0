import { error } from "@sveltejs/kit";
import { intervalOf } from "@nachbarstrom/core/units";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { householdTariffs } from "#lib/server/statements/tariffs.ts";
import type { PageServerLoad } from "./$types";

/** The tariffs of the household's neighbourhoods; in force and announced against the ledger's interval. */
export const load: PageServerLoad = async ({ params }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const tariffs = await readChain(async ({ readModel, client }) =>
    householdTariffs(readModel, owner, intervalOf(await ledgerTime(client))),
  );
  return { owner, tariffs };
};
