import { json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { clearSessionCookie } from "#lib/server/auth/portal.ts";
import { SESSION_COOKIE, deleteSession } from "#lib/server/auth/sessions.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** Sign-out from the navigation's script (JSON, same-origin only): ends the session and drops the cookie. */
export const POST: RequestHandler = async (event) => {
  await readJsonBody(event);
  const id = event.cookies.get(SESSION_COOKIE);
  if (id) await deleteSession(await accountsStore(), id);
  clearSessionCookie(event.cookies, event.url);
  return json({ location: "/signin?signedOut" });
};
