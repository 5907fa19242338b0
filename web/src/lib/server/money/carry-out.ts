import type { RequestEvent } from "@sveltejs/kit";
import { creditTokenAbi } from "@nachbarstrom/core/abi";
import { actionProblem, prepareActionResponse } from "../actions/endpoint.ts";
import { accountsStore } from "../auth/store.ts";
import { findRequest, type CreditRequest } from "./requests.ts";
import { tieAction } from "./decisions.ts";

/** The chain call that carries out a request: exactly its account and amount. */
function requestCall(request: CreditRequest) {
  return {
    contract: "creditToken" as const,
    abi: creditTokenAbi,
    functionName: request.kind === "top-up" ? "topUp" : "payOut",
    args: [request.account, request.amount] as const,
  };
}

/**
 * The treasurer's "confirm" of request `id`: prepares CreditToken.topUp or payOut for the request's own
 * account and amount (read from the store, never from the browser) as an action of the treasurer, and
 * ties that action to the request. The request becomes done when the actions table records the action
 * as confirmed (requests.ts); while it is under way, nobody can prepare another, cancel or reject it.
 * The caller has checked the treasurer role.
 */
export async function prepareCarryOut(event: RequestEvent, id: number): Promise<Response> {
  const store = await accountsStore();
  let previous: string | undefined;
  const response = await prepareActionResponse(event, async () => {
    const request = await findRequest(store, id);
    if (!request) return actionProblem({ problem: "money.error.unknown" }, 404);
    if (request.state !== "pending") return actionProblem({ problem: "money.error.decided" }, 409);
    if (request.inProgress) return actionProblem({ problem: "money.error.in-progress" }, 409);
    previous = request.actionId;
    return {
      kind: request.kind === "top-up" ? "credit.top-up" : "credit.pay-out",
      details: {
        requestId: request.id,
        account: request.account,
        amount: request.amount,
        reference: request.reference,
      },
      call: requestCall(request),
    };
  });
  if (!response.ok) return response;
  const prepared = (await response.clone().json()) as { id: string };
  if (!(await tieAction(store, { id, previous, actionId: prepared.id }))) {
    return actionProblem({ problem: "money.error.in-progress" }, 409);
  }
  return response;
}
