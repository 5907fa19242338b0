import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import { intervalOf } from "@nachbarstrom/core/units";
import { accountsStore } from "#lib/server/auth/store.ts";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { tariffHistory } from "#lib/server/console/tariffs.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import { meterDirectoryPath, readDirectoryFile } from "#lib/server/meters/directory-file.ts";
import { syncDirectoryFile } from "#lib/server/meters/directory-sync.ts";
import { neighbourhoodViews, slugsOf } from "#lib/server/meters/views.ts";
import { hasTariff } from "#lib/server/neighbourhoods/chain-reads.ts";
import { ALLOCATION_KEYS } from "#lib/server/neighbourhoods/registration.ts";
import { MAX_SHARE_WEIGHT } from "#lib/server/neighbourhoods/share-weight.ts";
import { shareMeters } from "#lib/server/neighbourhoods/share-views.ts";
import type { PageServerLoad } from "./$types";

/**
 * Every neighbourhood with its rules, meters and tariff in force (against the ledger's interval,
 * ledger-time.ts); for static-shares neighbourhoods their meters' share weights from the chain; for
 * operators the registration form, and the initial tariff of a neighbourhood registered without one.
 * Each load also writes neighbourhoods registered here into the bridge's directory (directory-sync.ts),
 * so a registration whose page was closed before it finished is written now.
 */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  requireConsole(locals);
  setHeaders({ "cache-control": "no-store" });
  const file = meterDirectoryPath();
  let directoryProblem: "missing" | "unreadable" | undefined = file ? undefined : "missing";
  let directory: MeterDirectory | undefined;
  if (file) {
    try {
      await syncDirectoryFile(await accountsStore(), file);
      directory = readDirectoryFile(file);
    } catch (cause) {
      console.error(`[web] meter directory: ${(cause as Error).message}`);
      directoryProblem = "unreadable";
    }
  }
  const operator = locals.roles?.operator === true;
  return readChain(async (chain) => {
    const now = intervalOf(await ledgerTime(chain.client));
    const tariffs = await tariffHistory(chain.readModel, now);
    const neighbourhoods = await neighbourhoodViews(chain.readModel, slugsOf(directory), tariffs);
    const withoutTariff = operator
      ? (await Promise.all(neighbourhoods.map(async (hood) => ((await hasTariff(chain, hood.id)) ? [] : [hood]))))
          .flat()
          .map((hood) => ({ id: hood.id, slug: hood.slug }))
      : [];
    const shares = await Promise.all(
      neighbourhoods
        .filter((hood) => hood.allocationKey === ALLOCATION_KEYS.staticShares)
        .map(async (hood) => ({ id: hood.id, slug: hood.slug, meters: await shareMeters(chain, hood.id, now) })),
    );
    return {
      neighbourhoods,
      shares,
      withoutTariff,
      maxShareWeight: MAX_SHARE_WEIGHT,
      directoryProblem,
      canRegister: operator && directoryProblem === undefined,
      canSetShares: operator,
    };
  });
};
