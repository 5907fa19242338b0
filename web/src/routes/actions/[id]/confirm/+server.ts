import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { json } from "@sveltejs/kit";
import { readChain } from "#lib/server/chain.ts";
import { credentialResponse, readJsonBody } from "#lib/server/auth/endpoint.ts";
import { portalEncryptionKey, portalRelyingParty } from "#lib/server/auth/portal.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { confirmWithPasskey } from "#lib/server/actions/confirm.ts";
import { actionErrorResponse, actionProblem, signedInUser } from "#lib/server/actions/endpoint.ts";
import { ActionError } from "#lib/server/actions/errors.ts";
import type { RequestHandler } from "./$types";

/**
 * Confirms a prepared action with a passkey assertion (JSON `{ response }`, same-origin only); the
 * portal then signs with the account's held key and answers the transaction and its state.
 */
export const POST: RequestHandler = async (event) => {
  const user = signedInUser(event);
  const body = await readJsonBody(event);
  const response = credentialResponse<AuthenticationResponseJSON>(body);
  if (!response) return actionProblem({ problem: "action.error.passkey" });
  return readChain(async (chain) => {
    try {
      const result = await confirmWithPasskey(await accountsStore(), chain, {
        id: event.params.id,
        user,
        response,
        rp: portalRelyingParty(event.url, event.locals.locale),
        encryptionKey: portalEncryptionKey(),
      });
      return json(result);
    } catch (cause) {
      if (cause instanceof ActionError) return actionErrorResponse(cause);
      throw cause;
    }
  });
};
