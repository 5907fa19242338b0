import type { RequestEvent } from "@sveltejs/kit";
import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import { isHex, type Hex } from "viem";
import { actionProblem, prepareActionResponse } from "../actions/endpoint.ts";
import { meterOnChain, neighbourhoodOnChain } from "./chain-reads.ts";
import { ALLOCATION_KEYS } from "./registration.ts";
import { parseShareWeight } from "./share-weight.ts";

/** What the form posts: the meter's id and the new weight as typed. */
export type ShareWeightBody = { meter?: unknown; weight?: unknown };

/**
 * The operator's "set a share weight": checks the weight (a whole number the record holds), that the
 * meter is registered and active, and that its neighbourhood uses static shares (under pro rata a weight
 * means nothing), then prepares MeterRegistry.setShareWeight. The weight counts from the next interval.
 * The caller has checked the operator role.
 */
export async function prepareShareWeight(event: RequestEvent, body: ShareWeightBody): Promise<Response> {
  return prepareActionResponse(event, async (chain) => {
    const weight = parseShareWeight(body.weight);
    if (weight === undefined) return actionProblem({ problem: "neighbourhoods.error.weight", field: "weight" });
    const meterId = typeof body.meter === "string" ? body.meter.trim().toLowerCase() : "";
    if (!isHex(meterId, { strict: true }) || meterId.length !== 66) {
      return actionProblem({ problem: "meters.error.meter", field: "meter" });
    }
    const meter = await meterOnChain(chain, meterId as Hex);
    if (!meter) return actionProblem({ problem: "meters.error.meter", field: "meter" }, 404);
    if (!meter.active) return actionProblem({ problem: "meters.error.retired", field: "meter" }, 409);
    const hood = await neighbourhoodOnChain(chain, meter.neighbourhood);
    if (hood?.allocationKey !== ALLOCATION_KEYS.staticShares) {
      return actionProblem({ problem: "neighbourhoods.error.notStatic", field: "meter" }, 409);
    }
    return {
      kind: "meter.share",
      details: { meterId, neighbourhood: meter.neighbourhood, shareWeight: weight, previous: meter.shareWeight },
      call: {
        contract: "meterRegistry",
        abi: meterRegistryAbi,
        functionName: "setShareWeight",
        args: [meterId, weight],
      },
    };
  });
}
