import { meterRegistryAbi, powerContractsAbi } from "@nachbarstrom/core/abi";
import type { Address, Hex } from "viem";
import { actionProblem, type ActionRequest } from "../actions/endpoint.ts";
import type { PortalContext } from "../chain.ts";
import { activeMetersIn, contractById } from "../read-model/contract-queries.ts";
import { metersOf } from "../read-model/queries.ts";
import { chainNow } from "./now.ts";
import { validateOffer } from "./offer.ts";
import { validatePreferences } from "./preferences.ts";

type Body = Record<string, unknown>;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The active meters of the neighbourhoods in which `owner` has a meter, the owner's own included. */
async function neighbourhoodMeters({ readModel }: PortalContext, owner: Address) {
  const mine = await metersOf(readModel, owner);
  return activeMetersIn(readModel, [...new Set(mine.map((m) => m.neighbourhood))]);
}

/** PowerContracts.offer from the household's selling meter, after validateOffer (400 with the field otherwise). */
export async function offerRequest(
  chain: PortalContext,
  owner: Address,
  body: Body,
): Promise<ActionRequest | Response> {
  const result = validateOffer(body, {
    owner,
    meters: await neighbourhoodMeters(chain, owner),
    now: await chainNow(chain.client),
  });
  if ("problem" in result) return actionProblem(result);
  const { seller, buyer, pricePerKwh, capWh, validFrom, validUntil } = result;
  return {
    kind: "power-contract.offer",
    details: { ...result },
    call: {
      contract: "powerContracts",
      abi: powerContractsAbi,
      functionName: "offer",
      args: [seller, buyer, Number(pricePerKwh), Number(capWh), validFrom, validUntil],
    },
  };
}

/** The contract named by the body's `id`, with 400/404/403 problems for a bad id or a stranger. */
async function namedContract(chain: PortalContext, owner: Address, body: Body, side: "buyer" | "either") {
  const text = typeof body.id === "string" || typeof body.id === "number" ? String(body.id) : "";
  if (!/^\d{1,19}$/.test(text)) return actionProblem({ problem: "contracts.error.unknown", field: "id" });
  const contract = await contractById(chain.readModel, BigInt(text));
  if (!contract) return actionProblem({ problem: "contracts.error.unknown", field: "id" }, 404);
  const party = side === "buyer" ? [contract.buyerOwner] : [contract.buyerOwner, contract.sellerOwner];
  if (!party.some((account) => same(account, owner))) {
    return actionProblem({ problem: side === "buyer" ? "contracts.error.notBuyer" : "contracts.error.notParty" }, 403);
  }
  return contract;
}

/** PowerContracts.accept of an offer to one of the household's meters, while it can still start. */
export async function acceptRequest(
  chain: PortalContext,
  owner: Address,
  body: Body,
): Promise<ActionRequest | Response> {
  const contract = await namedContract(chain, owner, body, "buyer");
  if (contract instanceof Response) return contract;
  const now = await chainNow(chain.client);
  if (contract.status !== "offered" || contract.validUntil <= now + 1n) {
    return actionProblem({ problem: "contracts.error.notOffered", field: "id" }, 409);
  }
  return {
    kind: "power-contract.accept",
    details: { id: contract.id, seller: contract.seller, buyer: contract.buyer },
    call: { contract: "powerContracts", abi: powerContractsAbi, functionName: "accept", args: [contract.id] },
  };
}

/** PowerContracts.end by either party: an offer at once, an active contract after the notice. */
export async function endRequest(chain: PortalContext, owner: Address, body: Body): Promise<ActionRequest | Response> {
  const contract = await namedContract(chain, owner, body, "either");
  if (contract instanceof Response) return contract;
  const now = await chainNow(chain.client);
  if (contract.status === "ended" || contract.validUntil <= now) {
    return actionProblem({ problem: "contracts.error.notOpen", field: "id" }, 409);
  }
  return {
    kind: "power-contract.end",
    details: { id: contract.id, status: contract.status },
    call: { contract: "powerContracts", abi: powerContractsAbi, functionName: "end", args: [contract.id] },
  };
}

/** MeterRegistry.setPreferences of one of the household's meters, after validatePreferences. */
export async function preferencesRequest(
  chain: PortalContext,
  owner: Address,
  body: Body,
): Promise<ActionRequest | Response> {
  const result = validatePreferences(body, await metersOf(chain.readModel, owner));
  if ("problem" in result) return actionProblem(result);
  const { meter, maxBuyPrice, minSellPrice } = result;
  return {
    kind: "meter.preferences",
    details: { meter, maxBuyPrice, minSellPrice },
    call: {
      contract: "meterRegistry",
      abi: meterRegistryAbi,
      functionName: "setPreferences",
      args: [meter as Hex, Number(maxBuyPrice), Number(minSellPrice)],
    },
  };
}
