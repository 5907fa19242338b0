import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import type { Hex } from "viem";
import type { PortalContext } from "../chain.ts";
import type { MeterRegistration } from "../meter-registrations.ts";
import { neighbourhoodRules } from "../read-model/contract-queries.ts";
import { MAX_PREFERENCE_PRICE, parseCentsPerKwh } from "./amounts.ts";

export type PreferencesField = "meter" | "maxBuyPrice" | "minSellPrice";

/** MeterRegistry.setPreferences' arguments: prices in micro-euro per kWh, 0 for no limit. */
export type PreferencesArgs = { meter: Hex; maxBuyPrice: bigint; minSellPrice: bigint };

export type PreferencesProblem = { field: PreferencesField; problem: `preferences.error.${string}` };

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * Checks a change of a meter's price limits: the meter is one of the owner's; each limit is empty (no
 * limit, stored as 0) or a ct/kWh amount above 0 that a meter record holds (MeterRecords.MAX_PRICE).
 * 0 itself is refused: on chain it means "no limit", which the empty field says without surprise.
 */
export function validatePreferences(
  input: Partial<Record<PreferencesField, unknown>>,
  meters: readonly MeterRegistration[],
): PreferencesArgs | PreferencesProblem {
  const meter = meters.find((m) => m.meter.toLowerCase() === text(input.meter).toLowerCase());
  if (!meter) return { field: "meter", problem: "preferences.error.meter" };
  const limits = {} as Record<"maxBuyPrice" | "minSellPrice", bigint>;
  for (const field of ["maxBuyPrice", "minSellPrice"] as const) {
    const value = text(input[field]);
    if (value === "") {
      limits[field] = 0n;
      continue;
    }
    const units = parseCentsPerKwh(value, MAX_PREFERENCE_PRICE);
    if (units === undefined || units === 0n) return { field, problem: "preferences.error.price" };
    limits[field] = units;
  }
  return { meter: meter.meter, ...limits };
}

/** A meter's settings as the chain holds them now, and whether its neighbourhood shares by static weights. */
export type MeterPreferences = {
  meter: Hex;
  neighbourhood: Hex;
  active: boolean;
  maxBuyPrice: bigint;
  minSellPrice: bigint;
  shareWeight: number;
  staticShares: boolean;
};

/** The current preferences of `meters` from MeterRegistry.meterOf (the latest settings), one call each. */
export async function readPreferences(
  { client, deployment, readModel }: PortalContext,
  meters: readonly MeterRegistration[],
): Promise<MeterPreferences[]> {
  const rules = await neighbourhoodRules(readModel, [...new Set(meters.map((m) => m.neighbourhood))]);
  return Promise.all(
    meters.map(async ({ meter, neighbourhood }) => {
      const record = await client.readContract({
        address: deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "meterOf",
        args: [meter],
      });
      return {
        meter,
        neighbourhood,
        active: record.active,
        maxBuyPrice: BigInt(record.maxBuyPrice),
        minSellPrice: BigInt(record.minSellPrice),
        shareWeight: record.shareWeight,
        staticShares: rules.some((r) => r.neighbourhood === neighbourhood && r.staticShares),
      };
    }),
  );
}
