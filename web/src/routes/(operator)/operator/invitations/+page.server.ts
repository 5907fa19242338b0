import { error, fail } from "@sveltejs/kit";
import { issueFromConsole } from "#lib/server/auth/issue.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { Actions } from "./$types";

export const actions: Actions = {
  /** Issues a single-use invitation code (issue.ts); the page's script uses ./issue instead (README). */
  default: async ({ request, locals, url }) => {
    // hooks.server.ts lets only operators here; checked again because this action writes.
    if (!locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
    const input = String((await request.formData()).get("account") ?? "").trim();
    const issued = issueFromConsole(accountsStore(), input, process.env.ORIGIN || url.origin);
    if (!issued) return fail(400, { field: "account" as const, message: "invitations.error.account" as const, input });
    return { issued };
  },
};
