import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import {
  credentialResponse,
  problem,
  readJsonBody,
  signInRateLimited,
  startSession,
} from "#lib/server/auth/endpoint.ts";
import { InvitationError } from "#lib/server/auth/invitations.ts";
import { PasskeyError, verifyRegistration } from "#lib/server/auth/passkeys.ts";
import { portalRelyingParty } from "#lib/server/auth/portal.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** Stores the new passkey and redeems the invitation (once); a session starts. */
export const POST: RequestHandler = async (event) => {
  const body = await readJsonBody(event);
  const limited = signInRateLimited(event);
  if (limited) return limited;
  const response = credentialResponse<RegistrationResponseJSON>(body);
  if (!response) return problem(400, "passkey.error.not-verified");
  const store = await accountsStore();
  try {
    const { userId } = await verifyRegistration(store, {
      response,
      rp: portalRelyingParty(event.url, event.locals.locale),
    });
    return await startSession(event, store, { userId, next: body.next });
  } catch (cause) {
    if (cause instanceof InvitationError) return problem(400, `invitation.error.${cause.problem}`, "code");
    if (cause instanceof PasskeyError) {
      console.warn(
        `[web] passkey registration refused: ${cause.shortMessage}${cause.details ? ` (${cause.details})` : ""}`,
      );
      return problem(400, `passkey.error.${cause.problem}`);
    }
    throw cause;
  }
};
