import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { parseDay } from "#lib/server/statements/calendar.ts";
import { flowsView, today } from "#lib/server/statements/views.ts";
import type { PageServerLoad } from "./$types";

/** A day's flows (?day=YYYY-MM-DD, German local day; default today) with the day's and month's totals. */
export const load: PageServerLoad = async ({ params, url }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const asked = url.searchParams.get("day");
  const current = today();
  const parsed = parseDay(asked);
  const day = parsed && parsed <= current ? parsed : current;
  return {
    owner,
    invalidDay: asked !== null && asked !== "" && day !== asked ? asked : undefined,
    flows: await readChain(async ({ readModel }) => flowsView(readModel, owner, day)),
  };
};
