import { error, fail } from "@sveltejs/kit";
import { recordDone } from "#lib/server/actions/store.ts";
import { issueFromConsole } from "#lib/server/auth/issue.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { Actions } from "./$types";

export const actions: Actions = {
  /** Issues a single-use invitation code (issue.ts); the page's script uses ./issue instead (README). */
  default: async ({ request, locals, url }) => {
    // hooks.server.ts lets only operators here; checked again because this action writes.
    const user = locals.user;
    if (!locals.roles?.operator || !user) error(403, "forbidden", { code: "forbidden" });
    const input = String((await request.formData()).get("account") ?? "").trim();
    const store = await accountsStore();
    const issued = await issueFromConsole(store, input, process.env.ORIGIN || url.origin);
    if (!issued) return fail(400, { field: "account" as const, message: "invitations.error.account" as const, input });
    // The audit log records who issued an invitation for which account, never the code.
    await recordDone(store, {
      account: user.account,
      userId: user.id,
      kind: "invitation.issue",
      details: { account: issued.account, custody: issued.custody, expiresAt: issued.expiresAt },
    });
    return { issued };
  },
};
