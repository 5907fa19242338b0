import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareInitialTariff } from "#lib/server/neighbourhoods/initial-tariff.ts";
import type { RequestHandler } from "./$types";

/** Prepares setInitialTariff for a registered neighbourhood without a tariff (neighbourhoods/initial-tariff.ts); operators only. */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  return prepareInitialTariff(event, await readJsonBody(event));
};
