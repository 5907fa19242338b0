import { json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { readChain } from "#lib/server/chain.ts";
import { ownHousehold } from "#lib/server/money/household-endpoint.ts";
import { readRequestInput } from "#lib/server/money/input.ts";
import { submitRequest } from "#lib/server/money/submit.ts";
import type { RequestHandler } from "./$types";

/**
 * A household asks for a top-up or a pay-out (JSON `{ kind, amount }`, same-origin only). Answers
 * 201 with the request's id and payment reference, or 400 with the refused field and why.
 */
export const POST: RequestHandler = async (event) => {
  const { owner, user } = ownHousehold(event, event.params.address);
  const input = readRequestInput(await readJsonBody(event));
  if (!input.ok) return json(input, { status: 400 });
  const result = await readChain(async (chain) =>
    submitRequest(await accountsStore(), chain, {
      account: owner,
      userId: user.id,
      kind: input.kind,
      amount: input.amount,
    }),
  );
  if (!result.ok) return json(result, { status: 400 });
  return json({ ok: true, id: result.request.id, reference: result.request.reference }, { status: 201 });
};
