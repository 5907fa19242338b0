import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import {
  credentialResponse,
  problem,
  readJsonBody,
  signInRateLimited,
  startSession,
} from "#lib/server/auth/endpoint.ts";
import { PasskeyError, verifyAuthentication } from "#lib/server/auth/passkeys.ts";
import { portalRelyingParty } from "#lib/server/auth/portal.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** Checks the passkey's signature; on success a session starts and the answer says where to go. */
export const POST: RequestHandler = async (event) => {
  const body = await readJsonBody(event);
  const limited = signInRateLimited(event);
  if (limited) return limited;
  const response = credentialResponse<AuthenticationResponseJSON>(body);
  if (!response) return problem(400, "passkey.error.not-verified");
  const store = await accountsStore();
  try {
    const { userId } = await verifyAuthentication(store, {
      response,
      rp: portalRelyingParty(event.url, event.locals.locale),
    });
    return await startSession(event, store, { userId, next: body.next });
  } catch (cause) {
    if (cause instanceof PasskeyError) {
      console.warn(`[web] sign-in refused: ${cause.shortMessage}${cause.details ? ` (${cause.details})` : ""}`);
      return problem(cause.problem === "not-verified" ? 401 : 400, `passkey.error.${cause.problem}`);
    }
    throw cause;
  }
};
