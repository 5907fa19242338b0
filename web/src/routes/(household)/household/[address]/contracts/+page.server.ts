import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { chainNow } from "#lib/server/contracts/now.ts";
import { contractsPage } from "#lib/server/contracts/view.ts";
import { dayOf, shiftDay } from "#lib/server/statements/calendar.ts";
import type { PageServerLoad } from "./$types";

/** The household's power contracts and deliveries (read model) against the chain's current interval. */
export const load: PageServerLoad = async ({ params, locals }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const page = await readChain(async ({ readModel, client }) =>
    contractsPage(readModel, owner, await chainNow(client)),
  );
  // A console role may look; only the household itself acts (contracts/household-action.ts).
  const canAct = locals.user?.account.toLowerCase() === owner.toLowerCase();
  // The first day an offer can start: German midnight after the current interval.
  return { owner, canAct, tomorrow: shiftDay(dayOf(page.now), 1), ...page };
};
