/**
 * The project's error base, shaped like viem's BaseError: a short message for people, details for
 * operators, and the cause for developers.
 */
export type NachbarstromErrorParameters = {
  details?: string;
  cause?: unknown;
};

export class NachbarstromError extends Error {
  override name = "NachbarstromError";
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, { details, cause }: NachbarstromErrorParameters = {}) {
    super(details ? `${shortMessage}\n\nDetails: ${details}` : shortMessage, { cause });
    this.shortMessage = shortMessage;
    this.details = details;
  }
}
