import { error } from "@sveltejs/kit";

/**
 * The console's read-only views answer only when hooks.server.ts allowed the request (operator or
 * auditor). Page loads are covered by the operator layout, but an endpoint (+server.ts) in the
 * operator group is resolved even when refused, so it must ask itself; loads ask too, as a second lock.
 */
export function requireConsole(locals: App.Locals): void {
  if (locals.access !== "allow") error(403, "forbidden", { code: "forbidden" });
}
