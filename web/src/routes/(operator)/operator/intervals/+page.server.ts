import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { monitorPage, neighbourhoodIds, type IntervalFilter } from "#lib/server/console/intervals.ts";
import { ConsoleParameterError, dayIntervals, parseNeighbourhood, parsePage } from "#lib/server/console/params.ts";
import type { PageServerLoad } from "./$types";

/** The interval monitor: ?neighbourhood=<id>&date=YYYY-MM-DD&page=N; a malformed filter is named next to its field and ignored. */
export const load: PageServerLoad = async ({ locals, url }) => {
  requireConsole(locals);
  const query = {
    neighbourhood: url.searchParams.get("neighbourhood") ?? "",
    date: url.searchParams.get("date") ?? "",
  };
  const filter: IntervalFilter = { page: 1 };
  const invalid: string[] = [];
  const read = (field: string, fn: () => void) => {
    try {
      fn();
    } catch (cause) {
      if (!(cause instanceof ConsoleParameterError)) throw cause;
      invalid.push(field);
    }
  };
  if (query.neighbourhood)
    read("neighbourhood", () => (filter.neighbourhood = parseNeighbourhood(query.neighbourhood)));
  if (query.date) read("date", () => Object.assign(filter, dayIntervals(query.date)));
  read("page", () => (filter.page = parsePage(url.searchParams.get("page"))));
  return readChain(async ({ readModel }) => ({
    query,
    invalid,
    neighbourhoods: await neighbourhoodIds(readModel),
    ...(await monitorPage(readModel, filter)),
  }));
};
