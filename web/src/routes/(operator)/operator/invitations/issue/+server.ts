import { error, json } from "@sveltejs/kit";
import { problem, readJsonBody } from "#lib/server/auth/endpoint.ts";
import { issueFromConsole } from "#lib/server/auth/issue.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** The console's script issues here (JSON, same-origin only); hooks.server.ts admits operators only. */
export const POST: RequestHandler = async (event) => {
  if (!event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  const body = await readJsonBody(event);
  const input = typeof body.account === "string" ? body.account.trim() : "";
  const issued = issueFromConsole(accountsStore(), input, process.env.ORIGIN || event.url.origin);
  return issued ? json({ issued }) : problem(400, "invitations.error.account");
};
