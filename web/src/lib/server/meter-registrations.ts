import type { Address, Hex } from "viem";
import { compareChainOrder, type DecodedLog } from "./decoded-log.ts";

/** The arguments of a MeterRegistered event (IMeterRegistry.sol); `number` names the meter in settlement's events. */
export type MeterRegisteredArgs = { meter: Hex; neighbourhood: Hex; owner: Address; number: number };
export type MeterRegistration = MeterRegisteredArgs;
export type MeterOwner = { owner: Address; meters: MeterRegistration[] };

/** The meters of MeterRegistered logs in registration order. */
export function meterRegistrations(logs: readonly DecodedLog<MeterRegisteredArgs>[]): MeterRegistration[] {
  return [...logs].sort(compareChainOrder).map(({ args }) => ({ ...args }));
}

/** Every account that owns a meter, with its meters, in order of its first registration. */
export function meterOwners(logs: readonly DecodedLog<MeterRegisteredArgs>[]): MeterOwner[] {
  return groupByOwner(meterRegistrations(logs));
}

/** Registrations grouped by owner (any letter case), owners in order of their first registration. */
export function groupByOwner(registrations: readonly MeterRegistration[]): MeterOwner[] {
  const owners = new Map<string, MeterOwner>();
  for (const registration of registrations) {
    const key = registration.owner.toLowerCase();
    const entry = owners.get(key) ?? { owner: registration.owner, meters: [] };
    entry.meters.push(registration);
    owners.set(key, entry);
  }
  return [...owners.values()];
}
