import { fail } from "@sveltejs/kit";
import { safeNext } from "#lib/server/auth/guard.ts";
import { checkInvitation } from "#lib/server/auth/invitations.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ url }) => ({
  code: url.searchParams.get("code") ?? "",
  next: safeNext(url.searchParams.get("next")),
});

export const actions: Actions = {
  /** Without JavaScript: checks the code, and says that creating a passkey needs JavaScript. */
  default: async ({ request }) => {
    const code = String((await request.formData()).get("code") ?? "");
    const check = checkInvitation(accountsStore(), code);
    if (!check.ok)
      return fail(400, { field: "code" as const, message: `invitation.error.${check.problem}` as const, code });
    return { field: undefined, message: "passkey.noscript" as const, code };
  },
};
