import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import { intervalOf } from "@nachbarstrom/core/units";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { tariffHistory } from "#lib/server/console/tariffs.ts";
import { meterDirectoryPath, readDirectoryFile } from "#lib/server/meters/directory-file.ts";
import { neighbourhoodViews, slugsOf } from "#lib/server/meters/views.ts";
import type { PageServerLoad } from "./$types";

/** Every neighbourhood with its rules, meters and tariff in force (against the ledger's interval, ledger-time.ts). */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  const file = meterDirectoryPath();
  let directory: MeterDirectory | undefined;
  try {
    directory = file ? readDirectoryFile(file) : undefined;
  } catch (cause) {
    console.error(`[web] meter directory: ${(cause as Error).message}`);
  }
  return readChain(async ({ readModel, client }) => {
    const now = intervalOf(await ledgerTime(client));
    return { neighbourhoods: neighbourhoodViews(readModel, slugsOf(directory), tariffHistory(readModel, now)) };
  });
};
