import { error, json } from "@sveltejs/kit";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { parseMeteringPointId } from "#lib/server/meters/metering-point-id.ts";
import { afterRegistration } from "#lib/server/meters/registered.ts";
import type { RequestHandler } from "./$types";

/**
 * The page calls this once its registerMeter action is confirmed: the metering point goes into the
 * bridge's directory, and a new household's invitation code is answered this once (meters/registered.ts).
 * What happened is derived from the actions table, not from the browser's word. Operators only.
 */
export const POST: RequestHandler = async (event) => {
  const user = event.locals.user;
  if (event.locals.access !== "allow" || !event.locals.roles?.operator || !user) {
    error(403, "forbidden", { code: "forbidden" });
  }
  const body = await readJsonBody(event);
  const id = parseMeteringPointId(typeof body.meteringPointId === "string" ? body.meteringPointId : "");
  if (!id) return json({ problem: "meters.error.meteringPointId", field: "meteringPointId" }, { status: 400 });
  const result = await afterRegistration(await accountsStore(), {
    meteringPointId: id,
    by: { account: user.account, userId: user.id },
    origin: process.env.ORIGIN || event.url.origin,
  });
  return json(result);
};
