import { error } from "@sveltejs/kit";
import { accountsStore } from "#lib/server/auth/store.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { AUDIT_AREAS, auditPage, parseArea } from "#lib/server/console/audit-log.ts";
import { ConsoleParameterError, parsePage } from "#lib/server/console/params.ts";
import type { PageServerLoad } from "./$types";

/** The audit log: every action taken through the portal, newest first; operators, auditors and treasurers. */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  try {
    const area = parseArea(url.searchParams.get("area"));
    const page = parsePage(url.searchParams.get("page"));
    return {
      log: await auditPage(await accountsStore(), { area, page }),
      area,
      areas: Object.keys(AUDIT_AREAS) as (keyof typeof AUDIT_AREAS)[],
      me: locals.user?.account,
    };
  } catch (cause) {
    if (!(cause instanceof ConsoleParameterError)) throw cause;
    error(400, cause.shortMessage, { code: "unexpected", details: cause.details });
  }
};
