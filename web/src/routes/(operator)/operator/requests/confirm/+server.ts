import { actionProblem } from "#lib/server/actions/endpoint.ts";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareCarryOut } from "#lib/server/money/carry-out.ts";
import { readRequestId } from "#lib/server/money/input.ts";
import { treasurerOf } from "#lib/server/money/treasurer.ts";
import type { RequestHandler } from "./$types";

/**
 * The treasurer carries out a request (JSON `{ id }`, same-origin only): prepares CreditToken.topUp or
 * payOut for the request's own account and amount, for the browser to confirm (server/actions).
 */
export const POST: RequestHandler = async (event) => {
  treasurerOf(event);
  const id = readRequestId(await readJsonBody(event));
  if (id === undefined) return actionProblem({ problem: "money.error.unknown" });
  return prepareCarryOut(event, id);
};
