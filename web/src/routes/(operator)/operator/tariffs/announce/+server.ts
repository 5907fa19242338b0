import { error, json } from "@sveltejs/kit";
import { tariffScheduleAbi } from "@nachbarstrom/core/abi";
import { readJsonBody } from "#lib/server/auth/endpoint.ts";
import { prepareActionResponse } from "#lib/server/actions/endpoint.ts";
import { proposeTariff } from "#lib/server/console/tariff-announce.ts";
import type { RequestHandler } from "./$types";

/**
 * Checks a tariff proposal (JSON, same-origin only) and prepares TariffSchedule.announceTariff as an
 * action of the operator (server/actions): answers the refused fields (400), or `{ ok: true, prepared }`
 * for the browser to confirm with the operator's passkey or send from the operator's own wallet.
 * Operators only: auditors see the history read-only.
 */
export const POST: RequestHandler = async (event) => {
  if (event.locals.access !== "allow" || !event.locals.roles?.operator) error(403, "forbidden", { code: "forbidden" });
  const result = await proposeTariff(await readJsonBody(event));
  if (!result.ok) return json(result, { status: 400 });
  const { neighbourhood, tariff, effectiveFrom } = result.call;
  const { vatBasisPoints, ...prices } = tariff;
  const tariffArgument = {
    ...(Object.fromEntries(Object.entries(prices).map(([field, value]) => [field, BigInt(value)])) as Record<
      keyof typeof prices,
      bigint
    >),
    vatBasisPoints,
  };
  const prepared = await prepareActionResponse(event, async () => ({
    kind: "tariff.announce",
    details: { neighbourhood, effectiveFrom, ...tariff },
    call: {
      contract: "tariffSchedule",
      abi: tariffScheduleAbi,
      functionName: "announceTariff",
      args: [neighbourhood, tariffArgument, BigInt(effectiveFrom)],
    },
  }));
  if (!prepared.ok) return prepared;
  return json({ ok: true, prepared: await prepared.json() });
};
