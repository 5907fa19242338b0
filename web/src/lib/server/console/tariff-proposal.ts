import type { Hex } from "viem";
import { dayOf, dayRange, parseDay, shiftDay } from "../statements/calendar.ts";

/** The tariff components TariffSchedule.Tariff takes, prices in the order of the struct. */
export const PRICE_FIELDS = [
  "gridEnergy",
  "gridFee",
  "localGridFee",
  "electricityTax",
  "concessionFee",
  "levies",
  "feedInPrice",
  "communityPrice",
] as const;

export type PriceField = (typeof PRICE_FIELDS)[number];
export type ProposalField = "neighbourhood" | "effectiveDate" | PriceField | "vatPercent";

/** What the form sends: prices in ct/kWh (up to 4 decimals, exact micro-euro), VAT in % (up to 2 decimals). */
export type TariffProposalInput = Partial<Record<ProposalField, unknown>>;

/** A field the server refused: the field, the value as sent, and the message (operator.announce.error.*). */
export type ProposalError = {
  field: ProposalField;
  value: string;
  message: `operator.announce.error.${string}`;
  params?: Record<string, string>;
};

/** What the chain allows for one neighbourhood now (read by tariff-announce-rules.ts). */
export type AnnounceRules = {
  /** The first interval the contract accepts: the chain's current interval plus the notice period. */
  earliest: bigint;
  /** The effective interval of the newest announced tariff; a new one must come after it. */
  last: bigint | undefined;
  noticeIntervals: number;
};

/** TariffSchedule.announceTariff's arguments as JSON (integers as decimal strings). */
export type AnnounceCall = {
  functionName: "announceTariff";
  neighbourhood: Hex;
  tariff: Record<PriceField, string> & { vatBasisPoints: number };
  effectiveFrom: string;
};

export type ProposalResult = { ok: true; call: AnnounceCall } | { ok: false; errors: ProposalError[] };

const UINT64_MAX = 2n ** 64n - 1n;

/** "16.6" (ct/kWh) → 166_000n micro-euro per kWh; undefined unless a plain decimal with ≤ 4 places. */
export function parseCents(text: string): bigint | undefined {
  const match = /^(\d{1,16})(?:[.,](\d{1,4}))?$/.exec(text);
  if (!match) return undefined;
  const units = BigInt(match[1]) * 10_000n + BigInt((match[2] ?? "").padEnd(4, "0"));
  return units <= UINT64_MAX ? units : undefined;
}

/** "19" or "7,5" (%) → basis points; undefined unless 0–100 with ≤ 2 decimal places. */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return basisPoints <= 10_000 ? basisPoints : undefined;
}

/** The first German local day whose midnight is at or after `interval`. */
export function firstDayFrom(interval: bigint): string {
  const day = dayOf(interval);
  return dayRange(day).from >= interval ? day : shiftDay(day, 1);
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * Checks a tariff proposal against the contract's rules and returns announceTariff's exact arguments,
 * or every refused field with its value. A tariff takes effect at German local midnight of the day
 * given; that day must be at least the notice period ahead and after the newest announced tariff
 * (`rules`, read from the chain; undefined when the neighbourhood is not one of `neighbourhoods`).
 * Billing rules as in TariffSchedule: VAT at most 100 %, feed-in price at most the community price.
 */
export function validateTariffProposal(
  input: TariffProposalInput,
  neighbourhoods: readonly Hex[],
  rules: AnnounceRules | undefined,
): ProposalResult {
  const errors: ProposalError[] = [];
  const neighbourhood = text(input.neighbourhood).toLowerCase() as Hex;
  const known = neighbourhoods.includes(neighbourhood);
  if (!known) {
    errors.push({ field: "neighbourhood", value: neighbourhood, message: "operator.announce.error.neighbourhood" });
  }

  const prices = {} as Record<PriceField, bigint>;
  for (const field of PRICE_FIELDS) {
    const value = text(input[field]);
    const units = parseCents(value);
    if (units === undefined) errors.push({ field, value, message: "operator.announce.error.price" });
    else prices[field] = units;
  }
  if (
    prices.feedInPrice !== undefined &&
    prices.communityPrice !== undefined &&
    prices.feedInPrice > prices.communityPrice
  ) {
    errors.push({
      field: "feedInPrice",
      value: text(input.feedInPrice),
      message: "operator.announce.error.feedInAboveCommunity",
      params: { community: text(input.communityPrice) },
    });
  }
  const vatText = text(input.vatPercent);
  const vatBasisPoints = parsePercent(vatText);
  if (vatBasisPoints === undefined) {
    errors.push({ field: "vatPercent", value: vatText, message: "operator.announce.error.vat" });
  }

  const dateText = text(input.effectiveDate);
  const day = parseDay(dateText);
  let effectiveFrom: bigint | undefined;
  if (!day) {
    errors.push({ field: "effectiveDate", value: dateText, message: "operator.announce.error.date" });
  } else if (known && rules) {
    effectiveFrom = dayRange(day).from;
    if (effectiveFrom < rules.earliest) {
      errors.push({
        field: "effectiveDate",
        value: dateText,
        message: "operator.announce.error.notice",
        params: { earliest: firstDayFrom(rules.earliest), notice: String(rules.noticeIntervals) },
      });
    } else if (rules.last !== undefined && effectiveFrom <= rules.last) {
      errors.push({
        field: "effectiveDate",
        value: dateText,
        message: "operator.announce.error.notAfterLast",
        params: { earliest: firstDayFrom(rules.last + 1n) },
      });
    }
  }

  if (errors.length > 0 || effectiveFrom === undefined || vatBasisPoints === undefined) {
    return { ok: false, errors };
  }
  const tariff = Object.fromEntries(PRICE_FIELDS.map((field) => [field, prices[field].toString()])) as Record<
    PriceField,
    string
  >;
  return {
    ok: true,
    call: {
      functionName: "announceTariff",
      neighbourhood,
      tariff: { ...tariff, vatBasisPoints },
      effectiveFrom: effectiveFrom.toString(),
    },
  };
}
