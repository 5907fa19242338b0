import { NachbarstromError } from "@nachbarstrom/core/errors";

/** The read model cannot be opened, written or brought up to date; the message says which. */
export class ReadModelError extends NachbarstromError {
  override name = "ReadModelError";
}
