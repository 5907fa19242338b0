import { OUTBOX_ATTENTION_DEPTH } from "#lib/server/bridge-health.ts";
import { BRIDGE_TIMEOUT_MS, BRIDGE_URL_ENV, readBridgeHealth } from "#lib/server/read-bridge-health.ts";
import type { PageServerLoad } from "./$types";

/** The bridge's health as of this request: a down or unconfigured bridge is a state on the page, not an error. */
export const load: PageServerLoad = async ({ setHeaders }) => {
  setHeaders({ "cache-control": "no-store" });
  return {
    health: await readBridgeHealth(),
    threshold: OUTBOX_ATTENTION_DEPTH,
    variable: BRIDGE_URL_ENV,
    timeoutSeconds: BRIDGE_TIMEOUT_MS / 1000,
  };
};
