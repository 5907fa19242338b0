import { fail } from "@sveltejs/kit";
import { safeNext } from "#lib/server/auth/guard.ts";
import { checkInvitation } from "#lib/server/auth/invitations.ts";
import { attemptLimits } from "#lib/server/auth/rate-limit.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ url }) => ({
  code: url.searchParams.get("code") ?? "",
  next: safeNext(url.searchParams.get("next")),
});

export const actions: Actions = {
  /**
   * Without JavaScript: checks the code (at a limited rate, like /invitation/options), and says that
   * creating a passkey needs JavaScript.
   */
  default: async (event) => {
    const code = String((await event.request.formData()).get("code") ?? "");
    const verdict = attemptLimits.invitationCode(event, code);
    if (!verdict.allowed) {
      event.setHeaders({ "retry-after": String(verdict.retryAfterSeconds) });
      return fail(429, { field: "code" as const, message: "invitation.error.rate-limited" as const, code });
    }
    const check = await checkInvitation(await accountsStore(), code);
    if (!check.ok)
      return fail(400, { field: "code" as const, message: `invitation.error.${check.problem}` as const, code });
    return { field: undefined, message: "passkey.noscript" as const, code };
  },
};
