import { NachbarstromError } from "@nachbarstrom/core/errors";

/** The accounts store, a key or a secret could not be used; `shortMessage` is safe to log. */
export class AccountsError extends NachbarstromError {
  override name = "AccountsError";
}
