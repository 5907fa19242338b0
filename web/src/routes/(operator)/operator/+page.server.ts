import { readChain } from "#lib/server/chain.ts";
import { readCreditTotals, readSettledIntervals } from "#lib/server/operator.ts";
import { OPERATOR_INTERVAL_LIMIT } from "#lib/server/operator-rows.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => {
  const [credit, intervals] = await readChain((chain) =>
    Promise.all([readCreditTotals(chain), readSettledIntervals(chain)]),
  );
  return { credit, intervals, limit: OPERATOR_INTERVAL_LIMIT };
};
