import { error } from "@sveltejs/kit";
import { readChain } from "#lib/server/chain.ts";
import { requireConsole } from "#lib/server/console/access.ts";
import { tariffOfInterval } from "#lib/server/console/correction.ts";
import { intervalDetail } from "#lib/server/console/interval-detail.ts";
import { ConsoleParameterError, parseInterval, parseNeighbourhood } from "#lib/server/console/params.ts";
import type { Address, Hex } from "viem";
import type { PageServerLoad } from "./$types";

/**
 * One settled interval: per-meter results from the read model; who corrected, from the corrections'
 * transactions. For an operator also the tariff that priced it, so the correction form can show what a
 * correction moves before it is sent (`?correct=<meter number>` opens the form for that meter).
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireConsole(locals);
  let neighbourhood: Hex;
  let interval: bigint;
  try {
    neighbourhood = parseNeighbourhood(params.neighbourhood);
    interval = parseInterval(params.interval);
  } catch (cause) {
    if (!(cause instanceof ConsoleParameterError)) throw cause;
    error(404, "not found", { code: "not-found", details: cause.details });
  }
  const found = await readChain(async (chain) => {
    const { client, readModel } = chain;
    const detail = await intervalDetail(readModel, neighbourhood, interval);
    if (!detail) return undefined;
    const hashes = [...new Set(detail.corrections.map((c) => c.transactionHash))];
    const senders = new Map<Hex, Address>(
      await Promise.all(
        hashes.map(async (hash) => [hash, (await client.getTransaction({ hash })).from] as [Hex, Address]),
      ),
    );
    const tariff = locals.roles?.operator ? await tariffOfInterval(chain, neighbourhood, interval) : undefined;
    return {
      ...detail,
      corrections: detail.corrections.map((c) => ({ ...c, corrector: senders.get(c.transactionHash) })),
      tariff,
    };
  });
  if (!found) {
    error(404, "not found", { code: "not-found", details: `interval ${interval} of ${neighbourhood} is not settled` });
  }
  const selected = Number(url.searchParams.get("correct"));
  const correcting = found.tariff ? found.meters.find((m) => m.number === selected) : undefined;
  const { tariff, ...detail } = found;
  return { detail, tariff, correcting: correcting?.number, canCorrect: tariff !== undefined };
};
