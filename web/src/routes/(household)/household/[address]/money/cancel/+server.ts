import { json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { cancelRequest } from "#lib/server/money/decisions.ts";
import { ownHousehold } from "#lib/server/money/household-endpoint.ts";
import { readRequestId } from "#lib/server/money/input.ts";
import type { RequestHandler } from "./$types";

/** A household withdraws one of its pending requests (JSON `{ id }`, same-origin only). */
export const POST: RequestHandler = async (event) => {
  const { owner, user } = ownHousehold(event, event.params.address);
  const id = readRequestId(await readJsonBody(event));
  if (id === undefined) return json({ ok: false, problem: "money.error.unknown" }, { status: 400 });
  const result = await cancelRequest(await accountsStore(), { id, account: owner, userId: user.id });
  if (!result.ok) {
    return json(
      { ok: false, problem: `money.error.${result.problem}` },
      { status: result.problem === "unknown" ? 404 : 409 },
    );
  }
  return json({ ok: true, id });
};
