import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Hex } from "viem";
import type { ChainContext } from "../chain.ts";
import { challengeOf, PasskeyError, verifyAssertion } from "../auth/passkeys.ts";
import type { RelyingParty } from "../auth/relying-party.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { AccountsStore } from "../auth/store.ts";
import { ActionError } from "./errors.ts";
import { sendWithHeldKey, waitForReceipt } from "./send.ts";
import { claimForSending, findAction, markOutcome, markSent, type ActionRecord } from "./store.ts";

/** How an action ended: mined ('confirmed'), reverted ('failed'), or sent and not yet mined ('sent'). */
export type ActionResult = { id: string; state: "confirmed" | "failed" | "sent"; txHash: Hex };

/** The user's own prepared action by this route, still waiting; ActionError otherwise. */
async function waitingAction(
  store: AccountsStore,
  id: string,
  user: SessionUser,
  via: "passkey" | "wallet",
): Promise<ActionRecord> {
  const action = await findAction(store, id);
  if (!action || action.userId !== user.id || action.via !== via) {
    throw new ActionError("unknown", { details: `no ${via} action ${id} of user ${user.id}` });
  }
  if (action.state !== "prepared") throw new ActionError("unknown", { details: `action ${id} is ${action.state}` });
  if ((action.expiresAt ?? 0) <= store.now()) throw new ActionError("expired", { details: `action ${id}` });
  return action;
}

/** Records the transaction's fate: confirmed when mined without revert, failed when reverted. */
async function settle(store: AccountsStore, chain: ChainContext, id: string, txHash: Hex): Promise<ActionResult> {
  const receipt = await waitForReceipt(chain, txHash);
  if (!receipt) return { id, state: "sent", txHash };
  const state = receipt.status === "success" ? "confirmed" : "failed";
  await markOutcome(store, id, state, state === "failed" ? `reverted in block ${receipt.blockNumber}` : undefined);
  return { id, state, txHash };
}

/**
 * Carries out a prepared action of an account whose key the portal holds, after the user confirmed
 * it with a passkey: the assertion must answer this action's own challenge, by one of the user's own
 * passkeys, with user verification. Sent at most once, however often the confirmation arrives.
 */
export async function confirmWithPasskey(
  store: AccountsStore,
  chain: ChainContext,
  {
    id,
    user,
    response,
    rp,
    encryptionKey,
  }: { id: string; user: SessionUser; response: AuthenticationResponseJSON; rp: RelyingParty; encryptionKey: Buffer },
): Promise<ActionResult> {
  const action = await waitingAction(store, id, user, "passkey");
  try {
    if (challengeOf(response.response.clientDataJSON) !== action.challenge) {
      throw new PasskeyError("challenge", `the assertion does not answer action ${id}'s challenge`);
    }
    await verifyAssertion(store, { response, rp, expectedChallenge: action.challenge, userId: user.id });
  } catch (cause) {
    if (cause instanceof PasskeyError) throw new ActionError("passkey", { details: cause.message, cause });
    throw cause;
  }
  const claimed = await claimForSending(store, id, user.id);
  if (!claimed) throw new ActionError("unknown", { details: `action ${id} was taken or expired meanwhile` });
  let txHash: Hex;
  try {
    txHash = await sendWithHeldKey(store, chain, {
      account: claimed.account,
      to: claimed.to!,
      data: claimed.calldata!,
      encryptionKey,
    });
  } catch (cause) {
    await markOutcome(store, id, "failed", cause instanceof Error ? cause.message.split("\n")[0] : String(cause));
    throw cause;
  }
  await markSent(store, id, txHash);
  return settle(store, chain, id, txHash);
}

/**
 * Records the transaction the user's own wallet sent for a prepared action, once it is mined and is
 * exactly the prepared one (sender, target and calldata); one that is not is recorded as failed.
 */
export async function recordWalletTransaction(
  store: AccountsStore,
  chain: ChainContext,
  { id, user, txHash }: { id: string; user: SessionUser; txHash: Hex },
): Promise<ActionResult> {
  await waitingAction(store, id, user, "wallet");
  const claimed = await claimForSending(store, id, user.id);
  if (!claimed) throw new ActionError("unknown", { details: `action ${id} was taken or expired meanwhile` });
  await markSent(store, id, txHash);
  const result = await settle(store, chain, id, txHash);
  const tx = await chain.client.getTransaction({ hash: txHash }).catch(() => undefined);
  const same =
    tx !== undefined &&
    tx.from.toLowerCase() === claimed.account.toLowerCase() &&
    tx.to?.toLowerCase() === claimed.to?.toLowerCase() &&
    tx.input.toLowerCase() === claimed.calldata?.toLowerCase();
  if (!same) {
    await markOutcome(store, id, "failed", `transaction ${txHash} is not the prepared one`);
    throw new ActionError("wallet-mismatch", { details: `action ${id}: ${txHash}` });
  }
  return result;
}
