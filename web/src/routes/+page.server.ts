import { readChain } from "#lib/server/chain.ts";
import { meterOwners } from "#lib/server/read-model/queries.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = () =>
  readChain(async ({ readModel }) => ({ households: await meterOwners(readModel) }));
