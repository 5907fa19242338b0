import type { Address, Hex } from "viem";
import { dayOf } from "../statements/calendar.ts";
import {
  activeMetersIn,
  contractsOf,
  deliveriesSince,
  neighbourhoodRules,
  type ContractRecord,
  type NeighbourhoodMeter,
} from "../read-model/contract-queries.ts";
import { metersOf } from "../read-model/queries.ts";
import type { ReadModelDb } from "../read-model/store.ts";
import { valueAt } from "./amounts.ts";

/** Days of deliveries shown per contract. */
export const DELIVERY_DAYS = 7;
const INTERVALS_PER_DAY = 96n;

export type ContractGroup = "toAccept" | "myOffers" | "active" | "ended";

/** What one German day delivered under a contract. */
export type DeliveryDay = { day: string; wh: bigint; value: bigint };

/** A contract as the household's page shows it, from the side of the household's meter. */
export type ContractView = ContractRecord & {
  group: ContractGroup;
  role: "seller" | "buyer";
  myMeter: Hex;
  otherMeter: Hex;
  /** What it delivered in all at the contract's price (net, before local fees and VAT). */
  deliveredValue: bigint;
  /** The last DELIVERY_DAYS days with deliveries, newest first. */
  days: DeliveryDay[];
  noticeIntervals: number;
  /** For a contract that still runs: the interval it would end at if ended now (notice included). */
  endsIfEndedNow?: bigint;
};

export type ContractsPageData = {
  now: bigint;
  /** The household's active meters, which it can sell from. */
  myMeters: NeighbourhoodMeter[];
  /** Other households' active meters in the neighbourhoods of the household's meters. */
  neighbours: NeighbourhoodMeter[];
  contracts: ContractView[];
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The contracts page of `owner` at interval `now`: every contract of its meters, grouped as the
 * household acts on them (offers to accept, its own offers waiting, running, ended), with deliveries.
 * An offer that can no longer start before it would end counts as ended, as does a contract past its end.
 */
export async function contractsPage(db: ReadModelDb, owner: Address, now: bigint): Promise<ContractsPageData> {
  const mine = await metersOf(db, owner);
  const hoods = [...new Set(mine.map((m) => m.neighbourhood))];
  const active = await activeMetersIn(db, hoods);
  const rules = await neighbourhoodRules(db, hoods);
  const notice = new Map(rules.map((r) => [r.neighbourhood, r.contractNoticeIntervals]));
  const records = await contractsOf(db, owner);
  const deliveries = await deliveriesSince(
    db,
    records.map((c) => c.id),
    now - BigInt(DELIVERY_DAYS) * INTERVALS_PER_DAY,
  );
  const contracts = records.map((record): ContractView => {
    const role = same(record.sellerOwner, owner) ? "seller" : "buyer";
    const noticeIntervals = notice.get(record.neighbourhood) ?? 0;
    const days = new Map<string, bigint>();
    for (const d of deliveries) {
      if (d.id === record.id) days.set(dayOf(d.interval), (days.get(dayOf(d.interval)) ?? 0n) + d.wh);
    }
    const group = groupOf(record, role, now);
    return {
      ...record,
      group,
      role,
      myMeter: role === "seller" ? record.seller : record.buyer,
      otherMeter: role === "seller" ? record.buyer : record.seller,
      deliveredValue: valueAt(record.deliveredWh, record.pricePerKwh),
      days: [...days]
        .map(([day, wh]) => ({ day, wh, value: valueAt(wh, record.pricePerKwh) }))
        .sort((a, b) => (a.day < b.day ? 1 : -1))
        .slice(0, DELIVERY_DAYS),
      noticeIntervals,
      ...(group === "active" ? { endsIfEndedNow: endsIfEndedNow(record, now, noticeIntervals) } : {}),
    };
  });
  return {
    now,
    myMeters: active.filter((m) => same(m.owner, owner)),
    neighbours: active.filter((m) => !same(m.owner, owner)),
    contracts,
  };
}

function groupOf(c: ContractRecord, role: "seller" | "buyer", now: bigint): ContractGroup {
  if (c.status === "ended" || c.validUntil <= now) return "ended";
  if (c.status === "offered") {
    // Accepting moves the start to the next interval; an offer whose end comes before that is over.
    if (c.validUntil <= now + 1n) return "ended";
    return role === "buyer" ? "toAccept" : "myOffers";
  }
  return "active";
}

/** PowerContracts.end for an active contract: the interval after the current one plus the notice, never later than it runs anyway. */
export function endsIfEndedNow(
  c: Pick<ContractRecord, "validFrom" | "validUntil">,
  now: bigint,
  notice: number,
): bigint {
  const endsAt = now + 1n + BigInt(notice);
  if (endsAt >= c.validUntil) return c.validUntil;
  return endsAt < c.validFrom ? c.validFrom : endsAt;
}
