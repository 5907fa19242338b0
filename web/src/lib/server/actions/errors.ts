import { NachbarstromError } from "@nachbarstrom/core";

/**
 * Why an action was refused; each has a message in the i18n files (`action.error.<problem>`):
 * - refused: the chain would revert the call (`reason` names the contract's custom error);
 * - unknown: no such action of this user, or it was already confirmed, expired or failed;
 * - expired: it waited longer than its validity;
 * - passkey: the passkey's confirmation was not accepted;
 * - wallet-mismatch: the wallet's transaction is not the prepared one (other sender, target or data);
 * - chain: the chain did not answer or refused the transaction.
 */
export type ActionProblem = "refused" | "unknown" | "expired" | "passkey" | "wallet-mismatch" | "chain";

export class ActionError extends NachbarstromError {
  override name = "ActionError";
  readonly problem: ActionProblem;
  /** For `refused`: the custom error's name and its arguments as strings, e.g. PowerContractTermsInvalid. */
  readonly reason?: { error: string; args: string[] };
  constructor(
    problem: ActionProblem,
    options: { details?: string; reason?: { error: string; args: string[] }; cause?: unknown } = {},
  ) {
    super(`The action was not carried out: ${problem}`, { details: options.details, cause: options.cause });
    this.problem = problem;
    this.reason = options.reason;
  }
}
