import type { MessageKey } from "./i18n/messages.ts";

/** What went wrong, as the error page explains it; each code has a title and a body message. */
export const ERROR_CODES = [
  "deployment-missing",
  "chain-unavailable",
  "address-invalid",
  "not-found",
  "forbidden",
  "unexpected",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

export function errorMessageKeys(code: ErrorCode): { title: MessageKey; body: MessageKey } {
  return { title: `error.${code}.title`, body: `error.${code}.body` };
}
