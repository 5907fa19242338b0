import { keccak256, toBytes, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import type { Tariff } from "./tariff.ts";

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

/**
 * The demo neighbourhood's tariff (net, micro-euro per kWh, 19 % VAT): grid supply about 40 ct/kWh
 * gross with 11 ct grid fee; pool energy about 25.5 ct gross with the grid fee reduced to 4.4 ct;
 * feed-in 7.9 ct.
 */
export const DEMO_TARIFF: Tariff = {
  gridEnergy: 166_000n,
  gridFee: 110_000n,
  localGridFee: 44_000n,
  electricityTax: 20_500n,
  concessionFee: 13_200n,
  levies: 26_510n,
  feedInPrice: 79_000n,
  communityPrice: 110_000n,
  vatBasisPoints: 1900,
};

/** Notice periods of the demo, in intervals: none, so a demo can change its tariff at once. */
export const DEMO_RULES = {
  allocationKey: 0,
  tariffNoticeIntervals: 0,
  contractNoticeIntervals: 0,
  costCap: false,
} as const;

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
