import { error, json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { proposeTariff } from "#lib/server/console/tariff-announce.ts";
import type { RequestHandler } from "./$types";

/**
 * Checks a tariff proposal (JSON, same-origin only) and answers TariffSchedule.announceTariff's exact
 * arguments, or the refused fields (400). The operator's wallet signs the transaction in the browser;
 * the portal never holds the operator's key. Operators only: auditors see the history read-only.
 */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  const result = await proposeTariff(await readJsonBody(event));
  return result.ok ? json(result) : json(result, { status: 400 });
};
