import { json, type RequestEvent } from "@sveltejs/kit";
import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import type { Hex } from "viem";
import { actionProblem, prepareActionResponse } from "../actions/endpoint.ts";
import { accountsStore } from "../auth/store.ts";
import { knownNeighbourhoods } from "../console/tariff-announce-rules.ts";
import { meterDirectoryPath, readDirectoryFile } from "../meters/directory-file.ts";
import { neighbourhoodOnChain } from "./chain-reads.ts";
import { REGISTER_KIND, registeredNeighbourhoods } from "./registered.ts";
import { validateRegistration, type RegistrationError, type RegistrationInput } from "./registration.ts";

/** The answer for refused fields: every one, for the form to show next to its field. */
export function fieldErrors(errors: RegistrationError[], status = 400): Response {
  return json({ problem: "neighbourhoods.register.invalid", errors }, { status });
}

/**
 * The operator's "register a neighbourhood", first of its two actions: checks the rules and the initial
 * tariff together (registration.ts), so that a mistake in the tariff shows before anything is on chain;
 * a slug is taken when the bridge's directory names it, the audit log has its registration, or its id is
 * registered on chain (asked directly: the read model may lag). Then prepares
 * MeterRegistry.registerNeighbourhood; the audit log's details name the slug, which the directory file
 * takes once the action is confirmed (meters/directory-sync.ts). The caller has checked the operator role.
 */
export async function prepareRegistration(event: RequestEvent, body: RegistrationInput): Promise<Response> {
  const file = meterDirectoryPath();
  return prepareActionResponse(event, async (chain) => {
    if (!file) return actionProblem({ problem: "neighbourhoods.error.directory" }, 503);
    let slugs: Set<string>;
    try {
      slugs = new Set(readDirectoryFile(file).neighbourhoods.map((hood) => hood.slug));
    } catch (cause) {
      console.error(`[web] meter directory: ${(cause as Error).message}`);
      return actionProblem({ problem: "neighbourhoods.directory.unreadable" }, 503);
    }
    for (const hood of await registeredNeighbourhoods(await accountsStore())) slugs.add(hood.slug);
    const ids = new Set(await knownNeighbourhoods(chain.readModel));
    const result = validateRegistration(body, (slug, id) => slugs.has(slug) || ids.has(id.toLowerCase() as Hex));
    if (!result.ok) return fieldErrors(result.errors);
    if (await neighbourhoodOnChain(chain, result.id)) {
      return fieldErrors([{ field: "slug", value: result.slug, message: "neighbourhoods.error.taken" }], 409);
    }
    const { exists: _exists, ...rules } = result.rules;
    return {
      kind: REGISTER_KIND,
      details: { slug: result.slug, neighbourhood: result.id, ...rules },
      call: {
        contract: "meterRegistry",
        abi: meterRegistryAbi,
        functionName: "registerNeighbourhood",
        args: [result.id, result.rules],
      },
    };
  });
}
