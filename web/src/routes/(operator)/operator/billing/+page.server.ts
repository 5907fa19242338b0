import { billingMonthOf } from "@nachbarstrom/core/billing-month";
import { intervalOf } from "@nachbarstrom/core/units";
import { requireConsole } from "#lib/server/console/access.ts";
import { monthText } from "#lib/server/console/params.ts";
import type { PageServerLoad } from "./$types";

/** The form offers the current billing month (German time). */
export const load: PageServerLoad = ({ locals }) => {
  requireConsole(locals);
  return { month: monthText(billingMonthOf(intervalOf(Date.now() / 1000))) };
};
