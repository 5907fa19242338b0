import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readChain } from "#lib/server/chain.ts";
import { parseDay } from "#lib/server/statements/calendar.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { flowsView, today } from "#lib/server/statements/views.ts";
import type { PageServerLoad } from "./$types";

/** A day's flows (?day=YYYY-MM-DD, German local day; default the ledger's today) with the day's and month's totals. */
export const load: PageServerLoad = async ({ params, url }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const asked = url.searchParams.get("day");
  const parsed = parseDay(asked);
  return readChain(async ({ readModel, client }) => {
    const now = new Date((await ledgerTime(client)) * 1000);
    const current = today(now);
    const day = parsed && parsed <= current ? parsed : current;
    return {
      owner,
      invalidDay: asked !== null && asked !== "" && day !== asked ? asked : undefined,
      flows: await flowsView(readModel, owner, day, now),
    };
  });
};
