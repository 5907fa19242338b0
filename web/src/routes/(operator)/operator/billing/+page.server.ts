import { billingMonthOf } from "@nachbarstrom/core/billing-month";
import { intervalOf } from "@nachbarstrom/core/units";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { monthText } from "#lib/server/console/params.ts";
import type { PageServerLoad } from "./$types";

/** The form offers the ledger's current billing month (German time; ledger-time.ts). */
export const load: PageServerLoad = async ({ locals }) => {
  requireConsole(locals);
  const now = await readChain(({ client }) => ledgerTime(client));
  return { month: monthText(billingMonthOf(intervalOf(now))) };
};
