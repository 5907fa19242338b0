import { neighbourhoodId } from "@nachbarstrom/core/ids";
import type { Hex } from "viem";
import {
  PRICE_FIELDS,
  validateTariffProposal,
  type PriceField,
  type ProposalError,
  type TariffProposalInput,
} from "../console/tariff-proposal.ts";

/** 15-minute intervals per day: notice periods are entered in days and kept in intervals on chain. */
export const INTERVALS_PER_DAY = 96;
/** The longest notice accepted, in days: ten years; more is a typing mistake, not a notice period. */
export const MAX_NOTICE_DAYS = 3650;
/** The directory schema's slug (core/deployment.ts): what topics and the directory call a neighbourhood. */
export const SLUG_PATTERN = /^[a-z0-9-]{1,64}$/;

/** IMeterRegistry's AllocationKey, as the form names it. */
export const ALLOCATION_KEYS = { proRata: 0, staticShares: 1 } as const;
export type AllocationKeyName = keyof typeof ALLOCATION_KEYS;

export type RuleField = "slug" | "allocationKey" | "tariffNoticeDays" | "contractNoticeDays" | "costCap";
export type TariffField = "effectiveDate" | PriceField | "vatPercent";
export type RegistrationField = RuleField | TariffField;
/** The fields of both forms: the initial tariff on its own names its neighbourhood by id. */
export type FormField = RegistrationField | "neighbourhood";

/** What the form sends: the rules, and the initial tariff as the tariff form has it (ct/kWh, %). */
export type RegistrationInput = Partial<Record<RegistrationField, unknown>>;

/** A refused field: the value as sent and the message key (neighbourhoods.error.* or the tariff form's). */
export type RegistrationError = {
  field: FormField;
  value: string;
  message: string;
  params?: Record<string, string>;
};

/** IMeterRegistry.Neighbourhood as registerNeighbourhood takes it. */
export type NeighbourhoodRules = {
  exists: true;
  allocationKey: number;
  tariffNoticeIntervals: number;
  contractNoticeIntervals: number;
  costCap: boolean;
};

/** TariffSchedule.Tariff as JSON: prices in micro-euro per kWh as decimal strings, VAT in basis points. */
export type InitialTariff = { tariff: Record<PriceField, string> & { vatBasisPoints: number }; effectiveFrom: string };

export type RegistrationResult =
  | { ok: true; slug: string; id: Hex; rules: NeighbourhoodRules; initial: InitialTariff }
  | { ok: false; errors: RegistrationError[] };

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** "28" → 28; undefined unless a whole number of days from 0 to MAX_NOTICE_DAYS. */
export function parseNoticeDays(value: string): number | undefined {
  if (!/^\d{1,4}$/.test(value)) return undefined;
  const days = Number(value);
  return days <= MAX_NOTICE_DAYS ? days : undefined;
}

/**
 * Checks an initial tariff as the tariff form does (tariff-proposal.ts: prices, VAT, feed-in at most the
 * community price, a real day) but without a notice period: setInitialTariff sets the first tariff at
 * onboarding, from any day. Answers setInitialTariff's tariff and effective interval, or the refused fields.
 */
export function validateInitialTariff(
  input: Partial<Record<TariffField, unknown>>,
  neighbourhood: Hex,
): { ok: true; initial: InitialTariff } | { ok: false; errors: RegistrationError[] } {
  const hood = neighbourhood.toLowerCase() as Hex;
  const proposal: TariffProposalInput = { ...input, neighbourhood: hood };
  const result = validateTariffProposal(proposal, [hood], { earliest: 0n, last: undefined, noticeIntervals: 0 });
  if (!result.ok) return { ok: false, errors: result.errors.map(tariffError) };
  return { ok: true, initial: { tariff: result.call.tariff, effectiveFrom: result.call.effectiveFrom } };
}

/** The tariff form's refusal as one of this form's (the neighbourhood is never refused here: it is ours). */
function tariffError(error: ProposalError): RegistrationError {
  return { ...error, field: error.field as TariffField };
}

/**
 * Checks a new neighbourhood: a slug as the directory requires, not taken (`taken` says whether its id
 * is registered on chain or its slug is in the directory), an allocation key, notice periods in whole
 * days (kept as intervals), the cost cap switch, and its initial tariff. Answers registerNeighbourhood's
 * and setInitialTariff's arguments, or every refused field with its value.
 */
export function validateRegistration(
  input: RegistrationInput,
  taken: (slug: string, id: Hex) => boolean,
): RegistrationResult {
  const errors: RegistrationError[] = [];
  const slug = text(input.slug);
  let id: Hex | undefined;
  if (!SLUG_PATTERN.test(slug)) {
    errors.push({ field: "slug", value: slug, message: "neighbourhoods.error.slug" });
  } else {
    id = neighbourhoodId(slug);
    if (taken(slug, id)) errors.push({ field: "slug", value: slug, message: "neighbourhoods.error.taken" });
  }
  const keyName = text(input.allocationKey);
  const allocationKey = Object.hasOwn(ALLOCATION_KEYS, keyName)
    ? ALLOCATION_KEYS[keyName as AllocationKeyName]
    : undefined;
  if (allocationKey === undefined) {
    errors.push({ field: "allocationKey", value: keyName, message: "neighbourhoods.error.allocation" });
  }
  const days = {} as Record<"tariffNoticeDays" | "contractNoticeDays", number>;
  for (const field of ["tariffNoticeDays", "contractNoticeDays"] as const) {
    const value = text(input[field]);
    const parsed = parseNoticeDays(value);
    if (parsed === undefined) {
      errors.push({ field, value, message: "neighbourhoods.error.days", params: { max: String(MAX_NOTICE_DAYS) } });
    } else days[field] = parsed;
  }
  const costCap = input.costCap === true || input.costCap === "on" || input.costCap === "true";

  const tariffInput = Object.fromEntries(
    (["effectiveDate", ...PRICE_FIELDS, "vatPercent"] as const).map((field) => [field, input[field]]),
  );
  // The tariff is checked even when the slug is not, so that every mistake shows at once.
  const tariff = validateInitialTariff(tariffInput, id ?? neighbourhoodId("-"));
  if (!tariff.ok) errors.push(...tariff.errors);

  if (errors.length > 0 || !id || allocationKey === undefined || !tariff.ok) return { ok: false, errors };
  return {
    ok: true,
    slug,
    id,
    rules: {
      exists: true,
      allocationKey,
      tariffNoticeIntervals: days.tariffNoticeDays * INTERVALS_PER_DAY,
      contractNoticeIntervals: days.contractNoticeDays * INTERVALS_PER_DAY,
      costCap,
    },
    initial: tariff.initial,
  };
}

/** TariffSchedule.Tariff with bigint prices, as the ABI encodes it. */
export function tariffArgument(initial: InitialTariff): Record<PriceField, bigint> & { vatBasisPoints: number } {
  const { vatBasisPoints, ...prices } = initial.tariff;
  const units = Object.fromEntries(Object.entries(prices).map(([field, value]) => [field, BigInt(value)]));
  return { ...(units as Record<PriceField, bigint>), vatBasisPoints };
}
