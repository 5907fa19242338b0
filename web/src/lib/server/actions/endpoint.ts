import { error, json, type RequestEvent } from "@sveltejs/kit";
import { readChain, type PortalContext } from "../chain.ts";
import { portalRelyingParty } from "../auth/portal.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { accountsStore } from "../auth/store.ts";
import { ActionError } from "./errors.ts";
import { prepareAction, type ChainCall } from "./prepare.ts";

/** What an action endpoint answers the browser when the action cannot go ahead. */
export type ActionProblemBody = {
  /** The message key (`action.error.*`, or the feature's own such as `contracts.error.terms`). */
  problem: string;
  /** The form field the problem belongs to, so the page shows it next to that field. */
  field?: string;
  /** For a refusal by the chain: the contract's custom error and its arguments. */
  reason?: { error: string; args: string[] };
};

/** A problem answer (400 unless told) for the page to show next to the field or in its status line. */
export function actionProblem(body: ActionProblemBody, status = 400): Response {
  return json(body, { status });
}

/** The answer for an ActionError: its message key, the revert reason, and a fitting status. */
export function actionErrorResponse(cause: ActionError): Response {
  const status = { refused: 409, unknown: 404, expired: 410, passkey: 401, "wallet-mismatch": 409, chain: 503 }[
    cause.problem
  ];
  if (cause.problem === "chain") console.error(`[web] ${cause.message}`);
  return actionProblem({ problem: `action.error.${cause.problem}`, reason: cause.reason }, status);
}

/** The signed-in user of an endpoint after the route guard, or 403. */
export function signedInUser(event: RequestEvent): SessionUser {
  if (event.locals.access !== "allow" || !event.locals.user) error(403, "forbidden", { code: "forbidden" });
  return event.locals.user;
}

/** What a feature asks for: the call and what the audit log records about it. */
export type ActionRequest = { kind: string; details: Record<string, unknown>; call: ChainCall };

/**
 * The usual body of a feature's prepare endpoint: `build` checks the input against the read model and
 * the chain and answers the call, or a Response (a field problem); the call is then simulated,
 * recorded and answered as a PreparedAction (prepare.ts). A refusal by the chain becomes a 409 with
 * the contract's error, which the feature's page turns into a message.
 */
export async function prepareActionResponse(
  event: RequestEvent,
  build: (chain: PortalContext, user: SessionUser) => Promise<ActionRequest | Response>,
): Promise<Response> {
  const user = signedInUser(event);
  return readChain(async (chain) => {
    const request = await build(chain, user);
    if (request instanceof Response) return request;
    try {
      const prepared = await prepareAction(await accountsStore(), chain, {
        user,
        rp: portalRelyingParty(event.url, event.locals.locale),
        ...request,
      });
      return json(prepared);
    } catch (cause) {
      if (cause instanceof ActionError) return actionErrorResponse(cause);
      throw cause;
    }
  });
}
