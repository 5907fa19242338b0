import { json } from "@sveltejs/kit";
import { readJsonBody, signInRateLimited } from "#lib/server/auth/endpoint.ts";
import { authenticationOptions } from "#lib/server/auth/passkeys.ts";
import { portalRelyingParty } from "#lib/server/auth/portal.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** A challenge for signing in with any passkey of this portal (the browser lets the user choose). */
export const POST: RequestHandler = async (event) => {
  await readJsonBody(event);
  const limited = signInRateLimited(event);
  if (limited) return limited;
  return json(await authenticationOptions(await accountsStore(), portalRelyingParty(event.url, event.locals.locale)));
};
