import type { RequestEvent } from "@sveltejs/kit";
import { tariffScheduleAbi } from "@nachbarstrom/core/abi";
import { isHex, type Hex } from "viem";
import { prepareActionResponse } from "../actions/endpoint.ts";
import { hasTariff, neighbourhoodOnChain } from "./chain-reads.ts";
import { fieldErrors } from "./register.ts";
import { tariffArgument, validateInitialTariff, type TariffField } from "./registration.ts";

/** What the form posts: the neighbourhood's id and the tariff as the tariff form has it. */
export type InitialTariffBody = Partial<Record<TariffField | "neighbourhood", unknown>>;

/**
 * The second action of a registration, or the operator finishing it later: checks that the neighbourhood
 * is registered on chain and has no tariff yet (TariffSchedule takes the first one once), checks the
 * tariff (registration.ts) and prepares TariffSchedule.setInitialTariff. The caller has checked the
 * operator role.
 */
export async function prepareInitialTariff(event: RequestEvent, body: InitialTariffBody): Promise<Response> {
  return prepareActionResponse(event, async (chain) => {
    const hood = typeof body.neighbourhood === "string" ? body.neighbourhood.trim().toLowerCase() : "";
    const refused = (message: string) => fieldErrors([{ field: "neighbourhood", value: hood, message }]);
    if (!isHex(hood, { strict: true }) || hood.length !== 66) return refused("neighbourhoods.error.unknown");
    const neighbourhood = hood as Hex;
    if (!(await neighbourhoodOnChain(chain, neighbourhood))) return refused("neighbourhoods.error.unknown");
    if (await hasTariff(chain, neighbourhood)) return refused("neighbourhoods.error.tariffSet");
    const result = validateInitialTariff(body, neighbourhood);
    if (!result.ok) return fieldErrors(result.errors);
    return {
      kind: "tariff.initial",
      details: { neighbourhood, effectiveFrom: result.initial.effectiveFrom, ...result.initial.tariff },
      call: {
        contract: "tariffSchedule",
        abi: tariffScheduleAbi,
        functionName: "setInitialTariff",
        args: [neighbourhood, tariffArgument(result.initial), BigInt(result.initial.effectiveFrom)],
      },
    };
  });
}
