import { creditTokenAbi } from "@nachbarstrom/core/abi";
import type { Address } from "viem";
import type { ChainContext } from "../chain.ts";
import type { AccountsStore } from "../auth/store.ts";
import { accountFigures } from "../position.ts";
import { listRequests, pendingTotal, type CreditRequest } from "./requests.ts";

/** Decided requests the household page lists below the pending ones. */
export const HOUSEHOLD_DECIDED_LIMIT = 50;

export type HouseholdMoney = {
  owner: Address;
  /** From CreditToken.positionOf now, in micro-euro. */
  balance: bigint;
  debt: bigint;
  /** The balance less pending pay-outs: the most a new pay-out request may ask for. */
  available: bigint;
  requests: CreditRequest[];
};

/** The household's money page: position from the chain, its requests from the accounts database. */
export async function readHouseholdMoney(
  store: AccountsStore,
  { client, deployment }: ChainContext,
  owner: Address,
): Promise<HouseholdMoney> {
  const position = await client.readContract({
    address: deployment.contracts.creditToken,
    abi: creditTokenAbi,
    functionName: "positionOf",
    args: [owner],
  });
  const { balance, debt } = accountFigures(position);
  const available = balance - (await pendingTotal(store, owner, "pay-out"));
  return {
    owner,
    balance,
    debt,
    available: available > 0n ? available : 0n,
    requests: await listRequests(store, { account: owner, decidedLimit: HOUSEHOLD_DECIDED_LIMIT }),
  };
}
