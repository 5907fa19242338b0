import { json } from "@sveltejs/kit";
import { isHash } from "viem";
import { readChain } from "#lib/server/chain.ts";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { recordWalletTransaction } from "#lib/server/actions/confirm.ts";
import { actionErrorResponse, actionProblem, signedInUser } from "#lib/server/actions/endpoint.ts";
import { ActionError } from "#lib/server/actions/errors.ts";
import type { RequestHandler } from "./$types";

/**
 * Reports the transaction the user's own wallet sent for a prepared action (JSON `{ txHash }`,
 * same-origin only); answers once it is mined and checked to be the prepared one.
 */
export const POST: RequestHandler = async (event) => {
  const user = signedInUser(event);
  const body = await readJsonBody(event);
  if (typeof body.txHash !== "string" || !isHash(body.txHash)) {
    return actionProblem({ problem: "action.error.wallet-mismatch" });
  }
  const txHash = body.txHash;
  return readChain(async (chain) => {
    try {
      return json(await recordWalletTransaction(await accountsStore(), chain, { id: event.params.id, user, txHash }));
    } catch (cause) {
      if (cause instanceof ActionError) return actionErrorResponse(cause);
      throw cause;
    }
  });
};
