import { readChain } from "#lib/server/chain.ts";
import { meterOwners } from "#lib/server/meter-registrations.ts";
import { readMeterRegistered } from "#lib/server/registry-reads.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = () =>
  readChain(async (chain) => ({ households: meterOwners(await readMeterRegistered(chain)) }));
