import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Deployment } from "@nachbarstrom/core/deployment";
import { encodeFunctionData, type Abi, type Address, type Hex } from "viem";
import type { ChainContext } from "../chain.ts";
import { userAuthenticationOptions } from "../auth/passkeys.ts";
import type { RelyingParty } from "../auth/relying-party.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { AccountsStore } from "../auth/store.ts";
import { ActionError } from "./errors.ts";
import { revertReasonOf } from "./revert.ts";
import { insertPrepared } from "./store.ts";

/** A contract function call: which of the deployment's contracts, its ABI, the function and arguments. */
export type ChainCall = {
  contract: keyof Deployment["contracts"];
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
};

/** What the browser needs to finish an action (action-client.ts). */
export type PreparedAction =
  /** The portal holds the account's key: a fresh passkey assertion over `options` lets it sign. */
  | { via: "passkey"; id: string; options: PublicKeyCredentialRequestOptionsJSON }
  /** The user's own wallet signs and sends exactly this transaction. */
  | { via: "wallet"; id: string; chainId: number; to: Address; data: Hex };

export type PrepareActionParameters = {
  user: SessionUser;
  rp: RelyingParty;
  /** What it is, for the audit log: "power-contract.offer", "credit.top-up", "tariff.announce", … */
  kind: string;
  /** What was asked for, for the audit log and the confirmation (no secrets). */
  details: Record<string, unknown>;
  call: ChainCall;
};

/**
 * Prepares a chain action of the signed-in user: simulates the call from the user's account (a call
 * the chain would refuse is refused now, with the contract's custom error as `reason`), records it in
 * the audit log as 'prepared', and answers what the browser must do to confirm it. Nothing is sent
 * before that confirmation (confirm.ts).
 */
export async function prepareAction(
  store: AccountsStore,
  chain: ChainContext,
  { user, rp, kind, details, call }: PrepareActionParameters,
): Promise<PreparedAction> {
  const to = chain.deployment.contracts[call.contract];
  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args });
  try {
    await chain.client.call({ account: user.account, to, data });
  } catch (cause) {
    const reason = revertReasonOf(cause);
    if (reason)
      throw new ActionError("refused", { reason, details: `${kind}: ${reason.error}(${reason.args.join(", ")})` });
    throw new ActionError("chain", { details: `${kind}: the chain did not answer the simulation`, cause });
  }
  const base = { account: user.account, userId: user.id, kind, details, to, calldata: data };
  if (user.custody === "external") {
    const action = await insertPrepared(store, { ...base, via: "wallet" });
    return { via: "wallet", id: action.id, chainId: chain.deployment.chainId, to, data };
  }
  const options = await userAuthenticationOptions(store, { rp, userId: user.id });
  const action = await insertPrepared(store, { ...base, via: "passkey", challenge: options.challenge });
  return { via: "passkey", id: action.id, options };
}
