import { error } from "@sveltejs/kit";
import { readChain } from "#lib/server/chain.ts";
import { parseMonth } from "#lib/server/statements/calendar.ts";
import { statementCsv } from "#lib/server/statements/csv.ts";
import { householdOf } from "#lib/server/statements/guard.ts";
import { monthRows } from "#lib/server/statements/views.ts";
import type { RequestHandler } from "./$types";

/** The statement's intervals as CSV (?month=YYYY-MM required); columns in web/README.md, "Statements". */
export const GET: RequestHandler = async ({ params, url, locals }) => {
  const owner = householdOf(locals, params.address);
  const month = parseMonth(url.searchParams.get("month"));
  if (month === undefined) {
    error(400, "invalid month", {
      code: "not-found",
      details: `month must be YYYY-MM, got "${url.searchParams.get("month")}"`,
    });
  }
  const csv = await readChain(async ({ readModel }) => statementCsv(await monthRows(readModel, owner, month)));
  const name = `nachbarstrom-${owner.slice(2, 10).toLowerCase()}-${url.searchParams.get("month")}.csv`;
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "private, no-store",
    },
  });
};
