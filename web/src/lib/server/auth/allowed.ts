import { error } from "@sveltejs/kit";

/**
 * An endpoint's own lock: 403 unless hooks.server.ts allowed the request. The guard lets a refused
 * page request of the household and operator areas through, so that their layouts render the 403 in
 * the user's language; a +server.ts endpoint (or a load that wants a second lock) has no such layout
 * and must refuse itself. The area's helpers (householdOf, requireConsole) rest on this one check.
 */
export function requireAllowed(locals: Pick<App.Locals, "access">): void {
  if (locals.access !== "allow") error(403, "forbidden", { code: "forbidden" });
}
