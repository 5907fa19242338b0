import { MAX_REQUEST, MIN_PAY_OUT, MIN_TOP_UP, parseEuroInput } from "./amount.ts";
import type { CreditRequestKind } from "./requests.ts";

/**
 * A refused input: the message key (money.error.*), the form field it belongs to, and values the
 * message shows. The params `min`, `max` and `available` are always amounts, as micro-euro decimal
 * strings, for the page to format in its language; other params are shown as they are.
 */
export type InputProblem = {
  ok: false;
  problem: `money.error.${string}`;
  field?: string;
  params?: Record<string, string>;
};

/** The longest rejection reason the treasurer may give: a sentence or two for the household. */
export const MAX_REASON_LENGTH = 500;

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * A household's request as posted: `kind` "top-up" or "pay-out" and `amount` in euros ("25.00").
 * Top-ups from 1 € to 10,000 €, pay-outs from 0.01 € to 10,000 € (their balance is checked later).
 */
export function readRequestInput(
  body: Record<string, unknown>,
): { ok: true; kind: CreditRequestKind; amount: bigint } | InputProblem {
  const kind = body.kind;
  if (kind !== "top-up" && kind !== "pay-out") return { ok: false, problem: "money.error.kind" };
  const field = `${kind}-amount`;
  const amount = parseEuroInput(text(body.amount));
  if (amount === undefined) return { ok: false, problem: "money.error.amount-format", field };
  const min = kind === "top-up" ? MIN_TOP_UP : MIN_PAY_OUT;
  if (amount < min || amount > MAX_REQUEST) {
    return {
      ok: false,
      problem: "money.error.amount-range",
      field,
      params: { min: min.toString(), max: MAX_REQUEST.toString() },
    };
  }
  return { ok: true, kind, amount };
}

/** A request id as posted: a positive whole number. */
export function readRequestId(body: Record<string, unknown>): number | undefined {
  const id = body.id;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The treasurer's reason for a rejection: required, at most MAX_REASON_LENGTH characters. */
export function readReason(body: Record<string, unknown>): { ok: true; reason: string } | InputProblem {
  const reason = text(body.reason);
  if (reason === "") return { ok: false, problem: "money.error.reason-missing", field: "reason" };
  if (reason.length > MAX_REASON_LENGTH) {
    return {
      ok: false,
      problem: "money.error.reason-long",
      field: "reason",
      params: { limit: String(MAX_REASON_LENGTH) },
    };
  }
  return { ok: true, reason };
}
