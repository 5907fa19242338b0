import { requireConsole } from "#lib/server/console/access.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { listRequests } from "#lib/server/money/requests.ts";
import type { PageServerLoad } from "./$types";

/** Decided requests the console lists below the pending ones. */
const DECIDED_LIMIT = 100;

/** Every household's top-up and pay-out requests; only the treasurer gets the buttons to decide. */
export const load: PageServerLoad = async ({ locals }) => {
  requireConsole(locals);
  return {
    requests: await listRequests(await accountsStore(), { decidedLimit: DECIDED_LIMIT }),
    treasurer: Boolean(locals.roles?.treasurer),
    now: Date.now(),
  };
};
