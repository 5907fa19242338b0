import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareRegistration } from "#lib/server/neighbourhoods/register.ts";
import type { RequestHandler } from "./$types";

/** Prepares registerNeighbourhood for a new neighbourhood (neighbourhoods/register.ts); operators only. */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  return prepareRegistration(event, await readJsonBody(event));
};
