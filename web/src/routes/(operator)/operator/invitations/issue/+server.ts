import { error, json } from "@sveltejs/kit";
import { recordDone } from "#lib/server/actions/store.ts";
import { problem, readJsonBody } from "#lib/server/auth/endpoint.ts";
import { issueFromConsole } from "#lib/server/auth/issue.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/**
 * The console's script issues here (JSON, same-origin only); hooks.server.ts admits operators only.
 * The audit log records who issued an invitation for which account, never the code.
 */
export const POST: RequestHandler = async (event) => {
  const user = event.locals.user;
  if (!event.locals.roles?.operator || !user) error(403, "forbidden", { code: "forbidden" });
  const body = await readJsonBody(event);
  const input = typeof body.account === "string" ? body.account.trim() : "";
  const store = await accountsStore();
  const issued = await issueFromConsole(store, input, process.env.ORIGIN || event.url.origin);
  if (!issued) return problem(400, "invitations.error.account");
  await recordDone(store, {
    account: user.account,
    userId: user.id,
    kind: "invitation.issue",
    details: { account: issued.account, custody: issued.custody, expiresAt: issued.expiresAt },
  });
  return json({ issued });
};
