import { prepareActionResponse } from "#lib/server/actions/endpoint.ts";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { acceptRequest } from "#lib/server/contracts/actions.ts";
import { actingHousehold } from "#lib/server/contracts/household-action.ts";
import type { RequestHandler } from "./$types";

/** Prepares PowerContracts.accept for the household itself (JSON, same origin); see contracts/actions.ts. */
export const POST: RequestHandler = async (event) => {
  const owner = actingHousehold(event, event.params.address);
  const body = await readJsonBody(event);
  return prepareActionResponse(event, (chain) => acceptRequest(chain, owner, body));
};
