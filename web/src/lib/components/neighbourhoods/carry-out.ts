import { completeAction, type ActionOutcome, type PreparedActionJSON } from "../../action-client.ts";
import type { MessageKey } from "../../i18n/messages.ts";
import { postJson } from "../../post-json.ts";
import type { FieldError } from "./field-errors.ts";

/** How a step of the neighbourhood forms ended: refused fields, or the action's outcome. */
export type StepResult = { errors: FieldError[] } | { outcome: ActionOutcome };

/**
 * Posts a form to its prepare endpoint (server/neighbourhoods/*) and, when the server prepared the
 * action, has the operator confirm it (action-client.ts). The endpoints answer refused fields all at
 * once (`errors`), so the form marks each; other refusals come back as the action's outcome.
 */
export async function carryOut(prepareUrl: string, body: unknown): Promise<StepResult> {
  let response: Response;
  let answer: { errors?: FieldError[]; problem?: string; reason?: { error: string; args: string[] } };
  try {
    response = await postJson(prepareUrl, body);
    answer = await response.json();
  } catch {
    return { outcome: { ok: false, message: "action.error.network" } };
  }
  if (response.ok) return { outcome: await completeAction(answer as PreparedActionJSON) };
  if (answer.errors && answer.errors.length > 0) return { errors: answer.errors };
  const message = (answer.problem ?? "action.error.network") as MessageKey;
  return { outcome: { ok: false, message, reason: answer.reason } };
}
