import { keccak256, toBytes, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import type { Tariff } from "./settlement.ts";

/**
 * WELL-KNOWN LOCAL DEVELOPMENT KEYS. This is the public test mnemonic of Hardhat and anvil; every
 * account derived from it is known to everyone. Use it only on the local demo chain, never on a real one.
 */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Which development account plays which role in the demo. */
export const DEV_ACCOUNT_INDEX = { admin: 0, bridge: 1, treasury: 2, firstHousehold: 3 } as const;

export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export type DemoHousehold = {
  label: string;
  /** German metering point id (Zählpunktbezeichnung, 33 characters). Off-chain only. */
  meteringPointId: string;
  annualKwh: number;
  /** Installed PV power; 0 for households without PV. */
  pvKwp: number;
  accountIndex: number;
};

/** Prices of the demo neighbourhood in micro-euro per kWh: grid 40 ct, feed-in 7.9 ct, community 25 ct. */
export const DEMO_TARIFF: Tariff = { gridPrice: 400_000n, feedInPrice: 79_000n, communityPrice: 250_000n };

const annualKwh = [2900, 3400, 4100, 1800, 2500, 3900, 4600, 2200, 3100, 1500, 3600, 2700];
const pvKwp = [9.8, 0, 6.5, 0, 0, 12.0, 0, 4.2, 0, 0, 7.6, 0];

/** The demo neighbourhood: 12 households, 5 with PV. */
export const DEMO_NEIGHBOURHOOD = {
  slug: "burtscheid-sued",
  name: "Burtscheid-Süd",
  tariff: DEMO_TARIFF,
  households: annualKwh.map((kwh, i): DemoHousehold => ({
    label: `Haushalt ${i + 1}`,
    meteringPointId: `DE00012345206600000000000000000${String(i + 1).padStart(2, "0")}`,
    annualKwh: kwh,
    pvKwp: pvKwp[i],
    accountIndex: DEV_ACCOUNT_INDEX.firstHousehold + i,
  })),
} as const;

/** DEMO ONLY: a salt derived from the metering point id. A real utility draws a random salt per meter. */
export function demoSalt(meteringPointId: string): Hex {
  return keccak256(toBytes(`nachbarstrom-demo-salt:${meteringPointId}`));
}
