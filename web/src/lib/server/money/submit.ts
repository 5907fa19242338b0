import { creditTokenAbi } from "@nachbarstrom/core/abi";
import type { Address } from "viem";
import type { ChainContext } from "../chain.ts";
import type { AccountsStore } from "../auth/store.ts";
import type { InputProblem } from "./input.ts";
import { createRequest, pendingCount, pendingTotal, type CreditRequest, type CreditRequestKind } from "./requests.ts";

/** Pending requests a household may have at once: enough for real needs, too few to flood the console. */
export const MAX_PENDING = 5;

/**
 * What a household may still ask to be paid out: its balance on chain now (CreditToken.balanceOf, the
 * positive part of its position) less the pay-outs it already asked for and that wait.
 */
export async function availableForPayOut(
  store: AccountsStore,
  { client, deployment }: ChainContext,
  account: Address,
): Promise<bigint> {
  const balance = await client.readContract({
    address: deployment.contracts.creditToken,
    abi: creditTokenAbi,
    functionName: "balanceOf",
    args: [account],
  });
  const available = balance - (await pendingTotal(store, account, "pay-out"));
  return available > 0n ? available : 0n;
}

/**
 * Records a household's top-up or pay-out request after the checks that need the store and the chain:
 * at most MAX_PENDING waiting, and a pay-out within what is available (the treasurer's transaction is
 * checked by the chain again when it is carried out).
 */
export async function submitRequest(
  store: AccountsStore,
  chain: ChainContext,
  { account, userId, kind, amount }: { account: Address; userId: number; kind: CreditRequestKind; amount: bigint },
): Promise<{ ok: true; request: CreditRequest } | InputProblem> {
  if ((await pendingCount(store, account)) >= MAX_PENDING) {
    return { ok: false, problem: "money.error.too-many", params: { limit: String(MAX_PENDING) } };
  }
  if (kind === "pay-out") {
    const available = await availableForPayOut(store, chain, account);
    if (amount > available) {
      return {
        ok: false,
        problem: "money.error.above-balance",
        field: "pay-out-amount",
        params: { available: available.toString() },
      };
    }
  }
  return { ok: true, request: await createRequest(store, { account, userId, kind, amount }) };
}
