import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import { accountsStore } from "#lib/server/auth/store.ts";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { meterDirectoryPath, readDirectoryFile } from "#lib/server/meters/directory-file.ts";
import { syncDirectoryFile } from "#lib/server/meters/directory-sync.ts";
import { listMeteringPoints } from "#lib/server/meters/metering-points.ts";
import { knownNeighbourhoods } from "#lib/server/console/tariff-announce-rules.ts";
import { meterViews, slugsOf } from "#lib/server/meters/views.ts";
import type { PageServerLoad } from "./$types";

/**
 * The meters and, for operators, the onboarding form. Each load also brings the bridge's directory in
 * line with the confirmed actions (a registration whose page was closed before it finished is written
 * now). Without NACHBARSTROM_METERS the page says so and offers no form.
 */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  const store = await accountsStore();
  const file = meterDirectoryPath();
  let directoryProblem: "missing" | "unreadable" | undefined = file ? undefined : "missing";
  let directory: MeterDirectory | undefined;
  if (file) {
    try {
      await syncDirectoryFile(store, file);
      directory = readDirectoryFile(file);
    } catch (cause) {
      console.error(`[web] meter directory: ${(cause as Error).message}`);
      directoryProblem = "unreadable";
    }
  }
  const slugs = slugsOf(directory);
  const points = await listMeteringPoints(store);
  return readChain(async ({ readModel }) => {
    const onChain = new Set<string>(await knownNeighbourhoods(readModel));
    return {
      meters: await meterViews(readModel, slugs, points),
      // Only neighbourhoods the bridge's directory names: the new metering point needs their slug.
      neighbourhoods: (directory?.neighbourhoods ?? [])
        .filter((hood) => onChain.has(hood.id.toLowerCase()))
        .map((hood) => ({ id: hood.id, slug: hood.slug })),
      owners: (await store.prepare("SELECT address FROM accounts ORDER BY created_at, address").all()).map((row) =>
        String(row.address),
      ),
      directoryProblem,
      canOnboard: locals.roles?.operator === true && directoryProblem === undefined,
      canRetire: locals.roles?.operator === true,
    };
  });
};
