import type { RequestEvent } from "@sveltejs/kit";
import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import { sql } from "@nachbarstrom/core/database";
import type { Hex } from "viem";
import { actionProblem, prepareActionResponse } from "../actions/endpoint.ts";
import { firstRow } from "../read-model/store.ts";

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The operator's "retire" of a meter: prepares MeterRegistry.retireMeter. The meter is not settled from
 * the next interval on; its history stays on chain and in the read model. Once the action is confirmed,
 * the directory sync (directory-sync.ts) takes it out of the bridge's directory. Only an active meter
 * of the read model may be retired. The caller has checked the operator role.
 */
export async function prepareRetirement(event: RequestEvent, body: { meter?: unknown }): Promise<Response> {
  return prepareActionResponse(event, async ({ readModel }) => {
    const meter =
      typeof body.meter === "string" && HEX32.test(body.meter) ? (body.meter.toLowerCase() as Hex) : undefined;
    const row = meter
      ? await firstRow(
          readModel,
          sql`SELECT number, neighbourhood, retired_block FROM meters WHERE lower(meter) = ${meter}`,
        )
      : undefined;
    if (!meter || !row) return actionProblem({ problem: "meters.error.meter", field: "meter" }, 404);
    if (row.retired_block !== null) return actionProblem({ problem: "meters.error.retired", field: "meter" }, 409);
    return {
      kind: "meter.retire",
      details: { meterId: meter, number: Number(row.number), neighbourhood: String(row.neighbourhood) },
      call: { contract: "meterRegistry", abi: meterRegistryAbi, functionName: "retireMeter", args: [meter] },
    };
  });
}
