import { error, json } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { readChain } from "#lib/server/chain.ts";
import { eraseAccountLink } from "#lib/server/console/erasure.ts";
import { erasureProblemOf } from "#lib/server/console/households.ts";
import type { RequestHandler } from "./$types";

/**
 * Erases a household's personal link in the accounts database (erasure.ts; JSON, same-origin only):
 * 409 with the reason while the account still has an active meter, money or a console role, else the
 * counts of what was deleted. Operators only; the erasure is recorded in the audit log.
 */
export const POST: RequestHandler = async (event) => {
  const user = event.locals.user;
  if (event.locals.access !== "allow" || !event.locals.roles?.operator || !user) {
    error(403, "forbidden", { code: "forbidden" });
  }
  const body = await readJsonBody(event);
  const account = parseAddress(typeof body.account === "string" ? body.account : "");
  if (!account) return json({ problem: "erasure.error.account", field: "account" }, { status: 400 });
  const store = await accountsStore();
  return readChain(async (chain) => {
    const problem = await erasureProblemOf(chain, store, account);
    if (problem) return json({ problem, account }, { status: 409 });
    const erased = await eraseAccountLink(store, { account, by: { account: user.account, userId: user.id } });
    return json({ erased });
  });
};
