import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareRetirement } from "#lib/server/meters/retire.ts";
import type { RequestHandler } from "./$types";

/** Prepares retireMeter for an active meter (meters/retire.ts); operators only. */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  return prepareRetirement(event, await readJsonBody(event));
};
