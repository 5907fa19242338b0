import { redirect } from "@sveltejs/kit";
import { clearSessionCookie } from "#lib/server/auth/portal.ts";
import { SESSION_COOKIE, deleteSession } from "#lib/server/auth/sessions.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { viewerOf } from "#lib/server/auth/viewer.ts";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals }) => ({ viewer: viewerOf(locals.user, locals.roles) });

export const actions: Actions = {
  /** Ends the session on the server and drops the cookie; a POST, so SvelteKit's CSRF check covers it. */
  default: async ({ cookies, url }) => {
    const id = cookies.get(SESSION_COOKIE);
    if (id) await deleteSession(await accountsStore(), id);
    clearSessionCookie(cookies, url);
    redirect(303, "/signin?signedOut");
  },
};
