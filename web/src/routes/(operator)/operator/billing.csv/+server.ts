import { error } from "@sveltejs/kit";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { billingCsv } from "#lib/server/console/billing-csv.ts";
import { billingRows } from "#lib/server/console/billing.ts";
import { ConsoleParameterError, monthText, parseMonth } from "#lib/server/console/params.ts";
import type { RequestHandler } from "./$types";

/** GET ?month=YYYY-MM: one CSV row per household and billing month (columns: web/README.md, "Billing export"). */
export const GET: RequestHandler = async ({ locals, url }) => {
  requireConsole(locals);
  let month: number;
  try {
    month = parseMonth(url.searchParams.get("month") ?? "");
  } catch (cause) {
    if (!(cause instanceof ConsoleParameterError)) throw cause;
    error(400, cause.details, { code: "unexpected", details: cause.details });
  }
  const csv = await readChain(async ({ readModel }) => billingCsv(await billingRows(readModel, month)));
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="nachbarstrom-billing-${monthText(month)}.csv"`,
      "cache-control": "no-store",
    },
  });
};
