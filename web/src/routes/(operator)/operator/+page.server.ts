import { readChain } from "#lib/server/chain.ts";
import { readSettledIntervals } from "#lib/server/operator.ts";
import { OPERATOR_INTERVAL_LIMIT } from "#lib/server/operator-rows.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => ({
  intervals: await readChain(readSettledIntervals),
  limit: OPERATOR_INTERVAL_LIMIT,
});
