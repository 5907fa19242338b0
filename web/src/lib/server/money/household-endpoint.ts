import { error, type RequestEvent } from "@sveltejs/kit";
import type { Address } from "viem";
import { signedInUser } from "../actions/endpoint.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { householdOf } from "../statements/guard.ts";

/**
 * The household an endpoint of its money page serves, and the signed-in user, who must be that
 * household itself: the console may look at the page, but asking for or cancelling a top-up or
 * pay-out is the household's own decision. 403 otherwise (400 for a malformed address).
 */
export function ownHousehold(event: RequestEvent, address: string): { owner: Address; user: SessionUser } {
  const owner = householdOf(event.locals, address);
  const user = signedInUser(event);
  if (user.account !== owner) error(403, "forbidden", { code: "forbidden" });
  return { owner, user };
}
