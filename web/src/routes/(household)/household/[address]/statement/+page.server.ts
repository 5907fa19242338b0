import { error } from "@sveltejs/kit";
import { intervalOf } from "@nachbarstrom/core/units";
import { parseAddress } from "#lib/address.ts";
import { metersOf } from "#lib/server/read-model/queries.ts";
import { readChain } from "#lib/server/chain.ts";
import { billingMonthOf, parseMonth } from "#lib/server/statements/calendar.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { statementView } from "#lib/server/statements/views.ts";
import type { PageServerLoad } from "./$types";

/** The monthly statement (?month=YYYY-MM, a billing month in German local time; default the current one). */
export const load: PageServerLoad = async ({ params, url }) => {
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const asked = url.searchParams.get("month");
  const parsed = parseMonth(asked);
  return readChain(async ({ readModel, client }) => {
    const now = await ledgerTime(client);
    const current = billingMonthOf(intervalOf(now));
    const month = parsed !== undefined && parsed <= current ? parsed : current;
    return {
      invalidMonth: asked !== null && asked !== "" && month !== parsed ? asked : undefined,
      statement: await statementView(readModel, owner, month, new Date(now * 1000)),
      meters: await metersOf(readModel, owner),
    };
  });
};
