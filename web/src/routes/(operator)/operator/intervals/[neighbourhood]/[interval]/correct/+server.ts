import { error } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { actionProblem, prepareActionResponse } from "#lib/server/actions/endpoint.ts";
import { buildCorrection, parseCorrectionInput } from "#lib/server/console/correction.ts";
import { ConsoleParameterError, parseInterval, parseNeighbourhood } from "#lib/server/console/params.ts";
import type { RequestHandler } from "./$types";

/**
 * Prepares SettlementCorrections.correctMeter for one meter of this interval (JSON, same-origin only):
 * a bad or refused field comes back as `{ problem, field, params }` (400), a refusal by the chain as 409
 * with the contract's error, else the prepared action for the operator's passkey or wallet. Operators
 * only: auditors and treasurers see the interval read-only.
 */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  let neighbourhood: `0x${string}`;
  let interval: bigint;
  try {
    neighbourhood = parseNeighbourhood(event.params.neighbourhood);
    interval = parseInterval(event.params.interval);
  } catch (cause) {
    if (!(cause instanceof ConsoleParameterError)) throw cause;
    error(404, "not found", { code: "not-found", details: cause.details });
  }
  const parsed = parseCorrectionInput(await readJsonBody(event));
  if (!parsed.ok) return actionProblem(parsed.problem);
  return prepareActionResponse(event, async (chain) => {
    const built = await buildCorrection(chain, { neighbourhood, interval, input: parsed.input });
    return "call" in built ? built : actionProblem(built);
  });
};
