import { error, type RequestEvent } from "@sveltejs/kit";
import { signedInUser } from "../actions/endpoint.ts";
import type { SessionUser } from "../auth/sessions.ts";

/**
 * The treasurer behind a console endpoint that decides a request: the route guard lets every console
 * role through, but only the treasurer (CreditToken's TREASURER role, read from the chain) may carry
 * out or reject one; operators and auditors see the list read-only. 403 otherwise.
 */
export function treasurerOf(event: RequestEvent): SessionUser {
  if (event.locals.access !== "allow" || !event.locals.roles?.treasurer) error(403, "forbidden", { code: "forbidden" });
  return signedInUser(event);
}
