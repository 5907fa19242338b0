import { json } from "@sveltejs/kit";
import { invitationCodeRateLimited, problem, readJsonBody } from "#lib/server/auth/endpoint.ts";
import { checkInvitation } from "#lib/server/auth/invitations.ts";
import { registrationOptions } from "#lib/server/auth/passkeys.ts";
import { portalRelyingParty } from "#lib/server/auth/portal.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/**
 * Checks the invitation code (at a limited rate, rate-limit.ts) and answers a challenge for a new
 * passkey for its account.
 */
export const POST: RequestHandler = async (event) => {
  const body = await readJsonBody(event);
  const code = typeof body.code === "string" ? body.code : "";
  const limited = invitationCodeRateLimited(event, code);
  if (limited) return limited;
  const store = await accountsStore();
  const check = await checkInvitation(store, code);
  if (!check.ok) return problem(400, `invitation.error.${check.problem}`, "code");
  return json(
    await registrationOptions(store, {
      invitation: check.invitation,
      rp: portalRelyingParty(event.url, event.locals.locale),
    }),
  );
};
