import { requireAllowed } from "../auth/allowed.ts";

/**
 * The console's read-only views answer only when hooks.server.ts allowed the request (operator,
 * auditor or treasurer). Page loads are covered by the operator layout, but an endpoint (+server.ts) in
 * the operator group is resolved even when refused, so it must ask itself; loads ask too, as a second
 * lock. An endpoint that needs one role in particular checks `locals.roles` after this.
 */
export function requireConsole(locals: App.Locals): void {
  requireAllowed(locals);
}
