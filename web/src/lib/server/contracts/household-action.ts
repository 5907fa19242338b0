import { error, type RequestEvent } from "@sveltejs/kit";
import type { Address } from "viem";
import { signedInUser } from "../actions/endpoint.ts";
import { householdOf } from "../statements/guard.ts";

/**
 * The household that acts through a prepare endpoint under /household/<address>/: the route guard let
 * the request through (its own account, or a console role) and the signed-in account is that household.
 * A console role may look at a household's contracts but never offer, accept or end for it; another
 * household is refused by the guard already. 403 otherwise.
 */
export function actingHousehold(event: RequestEvent, address: string): Address {
  const owner = householdOf(event.locals, address);
  const user = signedInUser(event);
  if (user.account.toLowerCase() !== owner.toLowerCase()) {
    error(403, "forbidden", { code: "forbidden", details: "only the household itself acts on its meters" });
  }
  return owner;
}
