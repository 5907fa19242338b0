import { isHex, type Hex } from "viem";
import { readChain } from "../chain.ts";
import { knownNeighbourhoods, readAnnounceRules } from "./tariff-announce-rules.ts";
import { validateTariffProposal, type ProposalResult, type TariffProposalInput } from "./tariff-proposal.ts";

/** A checked proposal with where to send it: the deployment's chain and TariffSchedule. */
export type ProposeTariffReturnType =
  (Extract<ProposalResult, { ok: true }> & { address: Hex; chainId: number }) | Extract<ProposalResult, { ok: false }>;

/** Validates a proposal against the rules the chain holds for its neighbourhood now (tariff-proposal.ts). */
export async function proposeTariff(input: TariffProposalInput): Promise<ProposeTariffReturnType> {
  return readChain(async (chain) => {
    const neighbourhoods = await knownNeighbourhoods(chain.readModel);
    const hood = typeof input.neighbourhood === "string" ? input.neighbourhood.trim().toLowerCase() : "";
    const known = isHex(hood, { strict: true }) && neighbourhoods.includes(hood);
    const rules = known ? await readAnnounceRules(chain, hood) : undefined;
    const result = validateTariffProposal(input, neighbourhoods, rules);
    if (!result.ok) return result;
    return { ...result, address: chain.deployment.contracts.tariffSchedule, chainId: chain.deployment.chainId };
  });
}
