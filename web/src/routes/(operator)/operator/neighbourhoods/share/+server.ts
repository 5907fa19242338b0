import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareShareWeight } from "#lib/server/neighbourhoods/set-share.ts";
import type { RequestHandler } from "./$types";

/** Prepares setShareWeight for a meter of a static-shares neighbourhood (neighbourhoods/set-share.ts); operators only. */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  return prepareShareWeight(event, await readJsonBody(event));
};
