import { intervalOf } from "@nachbarstrom/core/units";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { tariffHistory } from "#lib/server/console/tariffs.ts";
import type { PageServerLoad } from "./$types";

/** Current and announced against the wall clock's interval (the chain's clock may differ by seconds). */
export const load: PageServerLoad = async ({ locals }) => {
  requireConsole(locals);
  const now = intervalOf(Date.now() / 1000);
  return { tariffs: await readChain(async ({ readModel }) => tariffHistory(readModel, now)), now };
};
