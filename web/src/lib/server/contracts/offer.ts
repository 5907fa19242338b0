import { isHex, type Address, type Hex } from "viem";
import { dayRange, parseDay } from "../statements/calendar.ts";
import type { NeighbourhoodMeter } from "../read-model/contract-queries.ts";
import { parseCentsPerKwh, parseKwh, UINT32_MAX } from "./amounts.ts";

export type OfferField = "seller" | "buyer" | "price" | "cap" | "from" | "until";

/** What the offer form sends: meter ids, price in ct/kWh, cap in kWh per interval, days as YYYY-MM-DD. */
export type OfferInput = Partial<Record<OfferField, unknown>>;

/** PowerContracts.offer's arguments. */
export type OfferArgs = {
  seller: Hex;
  buyer: Hex;
  pricePerKwh: bigint;
  capWh: bigint;
  validFrom: bigint;
  validUntil: bigint;
};

/** A refused field and its message key (contracts.error.*). */
export type OfferProblem = { field: OfferField; problem: `contracts.error.${string}` };

export type OfferContext = {
  owner: Address;
  /** The active meters of the neighbourhoods of the owner's meters (the owner's own included). */
  meters: readonly NeighbourhoodMeter[];
  /** The interval the next block will be in: a contract must start after it. */
  now: bigint;
};

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Checks an offer as PowerContracts.offer will, so the household learns which field is wrong before
 * anything is signed: the selling meter is one of the owner's active meters; the buyer an active meter
 * of the same neighbourhood that is not the owner's; the price fits uint32 micro-euro per kWh; the cap
 * is more than 0 Wh and fits uint32; the contract starts at German midnight of `from`, after the current
 * interval, and ends at German midnight of `until`, after it starts. The first refused field, in form order.
 */
export function validateOffer(input: OfferInput, { owner, meters, now }: OfferContext): OfferArgs | OfferProblem {
  const seller = meters.find((m) => same(m.meter, text(input.seller)));
  if (!seller || !same(seller.owner, owner)) return { field: "seller", problem: "contracts.error.seller" };
  const buyerId = text(input.buyer);
  const buyer = meters.find((m) => same(m.meter, buyerId));
  if (!isHex(buyerId) || !buyer) return { field: "buyer", problem: "contracts.error.buyerUnknown" };
  if (same(buyer.owner, owner)) return { field: "buyer", problem: "contracts.error.ownMeter" };
  if (!same(buyer.neighbourhood, seller.neighbourhood)) {
    return { field: "buyer", problem: "contracts.error.neighbourhood" };
  }
  const pricePerKwh = parseCentsPerKwh(text(input.price), UINT32_MAX);
  if (pricePerKwh === undefined) return { field: "price", problem: "contracts.error.price" };
  const capWh = parseKwh(text(input.cap), UINT32_MAX);
  if (capWh === undefined) return { field: "cap", problem: "contracts.error.cap" };
  if (capWh === 0n) return { field: "cap", problem: "contracts.error.capZero" };
  const fromDay = parseDay(text(input.from));
  if (!fromDay) return { field: "from", problem: "contracts.error.date" };
  const validFrom = dayRange(fromDay).from;
  if (validFrom <= now) return { field: "from", problem: "contracts.error.fromPast" };
  const untilDay = parseDay(text(input.until));
  if (!untilDay) return { field: "until", problem: "contracts.error.date" };
  const validUntil = dayRange(untilDay).from;
  if (validUntil <= validFrom) return { field: "until", problem: "contracts.error.untilBeforeFrom" };
  return { seller: seller.meter, buyer: buyer.meter, pricePerKwh, capWh, validFrom, validUntil };
}
