import { error } from "@sveltejs/kit";
import type { Address } from "viem";
import { parseAddress } from "../../address.ts";
import { requireAllowed } from "../auth/allowed.ts";

/**
 * The household an endpoint serves, after the route guard: hooks.server.ts lets a refused request of
 * the household area through so that its layout can render the 403, but a +server.ts endpoint has no
 * layout, so it must refuse itself (requireAllowed).
 */
export function householdOf(locals: App.Locals, address: string): Address {
  requireAllowed(locals);
  const owner = parseAddress(address);
  if (!owner) error(400, "invalid account address", { code: "address-invalid", details: `got "${address}"` });
  return owner;
}
