import { error, fail } from "@sveltejs/kit";
import { intervalOf } from "@nachbarstrom/core/units";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { proposeTariff } from "#lib/server/console/tariff-announce.ts";
import { knownNeighbourhoods } from "#lib/server/console/tariff-announce-rules.ts";
import type { TariffProposalInput } from "#lib/server/console/tariff-proposal.ts";
import { tariffHistory } from "#lib/server/console/tariffs.ts";
import { ledgerTime } from "#lib/server/ledger-time.ts";
import type { Actions, PageServerLoad } from "./$types";

/** Current and announced against the ledger's interval (ledger-time.ts). */
export const load: PageServerLoad = async ({ locals }) => {
  requireConsole(locals);
  const { tariffs, neighbourhoods, now } = await readChain(async ({ readModel, client }) => {
    const now = intervalOf(await ledgerTime(client));
    return { tariffs: await tariffHistory(readModel, now), neighbourhoods: await knownNeighbourhoods(readModel), now };
  });
  // Only operators announce; auditors see the history read-only.
  return { tariffs, now, canAnnounce: locals.roles?.operator === true, neighbourhoods };
};

export const actions: Actions = {
  /**
   * Without JavaScript the form is only checked: announcing is an action the page's script prepares
   * (./announce) and the operator confirms with a passkey or its own wallet in the browser.
   */
  default: async ({ request, locals }) => {
    if (locals.access !== "allow" || !locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
    const input = Object.fromEntries(
      [...(await request.formData())].map(([key, value]) => [key, String(value)]),
    ) as TariffProposalInput;
    const result = await proposeTariff(input);
    if (!result.ok) return fail(400, { errors: result.errors, values: input as Record<string, string> });
    return { checked: true as const, values: input as Record<string, string> };
  },
};
