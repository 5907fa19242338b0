import { json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { rejectRequest } from "#lib/server/money/decisions.ts";
import { readReason, readRequestId } from "#lib/server/money/input.ts";
import { treasurerOf } from "#lib/server/money/treasurer.ts";
import type { RequestHandler } from "./$types";

/** The treasurer rejects a pending request with a reason the household sees (JSON `{ id, reason }`). */
export const POST: RequestHandler = async (event) => {
  const user = treasurerOf(event);
  const body = await readJsonBody(event);
  const id = readRequestId(body);
  if (id === undefined) return json({ ok: false, problem: "money.error.unknown" }, { status: 400 });
  const reason = readReason(body);
  if (!reason.ok) return json(reason, { status: 400 });
  const result = await rejectRequest(await accountsStore(), {
    id,
    by: user.account,
    userId: user.id,
    reason: reason.reason,
  });
  if (!result.ok) {
    return json(
      { ok: false, problem: `money.error.${result.problem}` },
      { status: result.problem === "unknown" ? 404 : 409 },
    );
  }
  return json({ ok: true, id });
};
