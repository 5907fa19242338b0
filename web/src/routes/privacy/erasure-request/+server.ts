import { json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { signedInUser } from "#lib/server/actions/endpoint.ts";
import { requestErasure } from "#lib/server/erasure-request.ts";
import type { RequestHandler } from "./$types";

/** The signed-in user asks the utility to erase its personal link (JSON, same-origin only). */
export const POST: RequestHandler = async (event) => {
  const user = signedInUser(event);
  await readJsonBody(event);
  return json({ requestedAt: await requestErasure(await accountsStore(), user) });
};
