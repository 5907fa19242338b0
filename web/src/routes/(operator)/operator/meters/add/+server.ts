import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareOnboarding } from "#lib/server/meters/onboard.ts";
import type { RequestHandler } from "./$types";

/** Prepares registerMeter for a new metering point (meters/onboard.ts); operators only. */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  return prepareOnboarding(event, await readJsonBody(event));
};
