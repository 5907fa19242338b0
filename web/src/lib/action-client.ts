import { browserSupportsWebAuthn, startAuthentication, WebAuthnError } from "@simplewebauthn/browser";
import type { Hex } from "viem";
import type { MessageKey } from "./i18n/messages.ts";
import { postJson } from "./post-json.ts";
import { sendPreparedTransaction } from "./wallet-client.ts";

/** A prepared action as the server answers it (server/actions/prepare.ts). */
export type PreparedActionJSON =
  { via: "passkey"; id: string; options: never } | { via: "wallet"; id: string; chainId: number; to: Hex; data: Hex };

/**
 * How an action ended in the browser: mined ("confirmed"), sent and not yet mined ("sent"), or not
 * carried out, with the message to show, the form field it belongs to, and the contract's reason.
 */
export type ActionOutcome =
  | { ok: true; state: "confirmed" | "sent"; txHash: Hex }
  | { ok: false; message: MessageKey; field?: string; reason?: { error: string; args: string[] }; txHash?: Hex };

type ProblemBody = { problem?: string; field?: string; reason?: { error: string; args: string[] } };

async function problemOf(response: Response): Promise<ActionOutcome> {
  const body = (await response.json().catch(() => ({}))) as ProblemBody;
  return {
    ok: false,
    message: (body.problem ?? "action.error.network") as MessageKey,
    field: body.field,
    reason: body.reason,
  };
}

type Result = { state: "confirmed" | "failed" | "sent"; txHash: Hex };

function outcomeOf(result: Result): ActionOutcome {
  return result.state === "failed"
    ? { ok: false, message: "action.error.reverted", txHash: result.txHash }
    : { ok: true, state: result.state, txHash: result.txHash };
}

/**
 * Carries out an action: posts `body` to the feature's prepare endpoint, which checks it and answers
 * how to confirm; then either asks for the user's passkey (the portal signs with the key it holds for
 * the household) or has the user's own wallet send the transaction. Nothing reaches the chain before
 * the user confirmed.
 */
export async function runAction(prepareUrl: string, body: unknown): Promise<ActionOutcome> {
  let prepared: PreparedActionJSON;
  try {
    const response = await postJson(prepareUrl, body);
    if (!response.ok) return await problemOf(response);
    prepared = (await response.json()) as PreparedActionJSON;
  } catch {
    return { ok: false, message: "action.error.network" };
  }
  return completeAction(prepared);
}

/**
 * The second half of runAction, for a form whose endpoint answers more than the prepared action (field
 * errors of its own, for example): the passkey confirmation or the wallet's transaction.
 */
export async function completeAction(prepared: PreparedActionJSON): Promise<ActionOutcome> {
  if (prepared.via === "wallet") {
    const sent = await sendPreparedTransaction(prepared);
    if (!sent.ok) return sent;
    return finish(`/actions/${prepared.id}/sent`, { txHash: sent.hash });
  }
  if (!browserSupportsWebAuthn()) return { ok: false, message: "passkey.error.unsupported" };
  let credential: unknown;
  try {
    credential = await startAuthentication({ optionsJSON: prepared.options });
  } catch (cause) {
    const cancelled =
      (cause instanceof WebAuthnError && cause.code === "ERROR_CEREMONY_ABORTED") ||
      (cause instanceof Error && cause.name === "NotAllowedError");
    return { ok: false, message: cancelled ? "action.error.cancelled" : "passkey.error.browser" };
  }
  return finish(`/actions/${prepared.id}/confirm`, { response: credential });
}

async function finish(url: string, body: unknown): Promise<ActionOutcome> {
  try {
    const response = await postJson(url, body);
    if (!response.ok) return await problemOf(response);
    return outcomeOf((await response.json()) as Result);
  } catch {
    return { ok: false, message: "action.error.network" };
  }
}
