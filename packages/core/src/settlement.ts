import type { Hex } from "viem";
import { pricesOf, type Prices, type Tariff } from "./tariff.ts";
import type { MicroEuro, MicroEuroPerKwh, WattHours } from "./units.ts";

export type { Tariff } from "./tariff.ts";

/** How a neighbourhood shares its pool; the numbers are the contract's AllocationKey enum. */
export const ALLOCATION_KEY = { proRata: 0, staticShares: 1 } as const;
export type AllocationKey = keyof typeof ALLOCATION_KEY;

/** The most meters one chunk carries (NeighbourhoodSettlement.MAX_CHUNK). */
export const MAX_CHUNK = 200;

export type MeterEnergy = { meter: Hex; importWh: WattHours; exportWh: WattHours };

/** A meter with its owner's preferences (MeterRegistry.Meter); absent preferences mean no limit. */
export type SettlementMeter = MeterEnergy & {
  maxBuyPrice?: MicroEuroPerKwh;
  minSellPrice?: MicroEuroPerKwh;
  shareWeight?: number;
};

/** An active power contract valid for the interval being settled. Served by seller, then by id. */
export type SettlementContract = {
  id: bigint;
  seller: Hex;
  buyer: Hex;
  pricePerKwh: MicroEuroPerKwh;
  capWh: WattHours;
};

export type MeterSettlement = MeterEnergy & {
  contractBoughtWh: WattHours;
  contractSoldWh: WattHours;
  poolBoughtWh: WattHours;
  poolSoldWh: WattHours;
  /** What the owner pays, gross. */
  debit: MicroEuro;
  /** What the owner receives. */
  credit: MicroEuro;
};

/** The totals a batch header declares (INeighbourhoodSettlement.BatchHeader without key and commitment). */
export type PoolTotals = { poolDemandWh: bigint; poolSupplyWh: bigint; poolBoughtWh: bigint; shareWeightTotal: bigint };

export type SettleIntervalParameters = {
  tariff: Tariff;
  meters: readonly SettlementMeter[];
  allocationKey?: AllocationKey;
  contracts?: readonly SettlementContract[];
  /** Meters per chunk; a contract is served only when both its meters are in one chunk. */
  chunkSize?: number;
};

export type SettleIntervalReturnType = {
  totals: PoolTotals;
  /** The meters in chunk order (ascending id), cut into chunks of `chunkSize`. */
  chunks: MeterSettlement[][];
  meters: MeterSettlement[];
  importWh: WattHours;
  exportWh: WattHours;
  localWh: WattHours;
};

type Working = {
  result: MeterSettlement;
  source: SettlementMeter;
  remainingImport: bigint;
  remainingExport: bigint;
  buysFromPool: boolean;
  sellsToPool: boolean;
  boughtValue: bigint;
  soldValue: bigint;
};

/**
 * The reference settlement of one neighbourhood-interval, the TypeScript twin of
 * NeighbourhoodSettlement.sol and SettlementMath.sol: same order, same rounding, same result to the unit.
 */
export function settleInterval(parameters: SettleIntervalParameters): SettleIntervalReturnType {
  const { tariff, allocationKey = "proRata", contracts = [], chunkSize = MAX_CHUNK } = parameters;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK) {
    throw new RangeError(`chunkSize must be a whole number from 1 to ${MAX_CHUNK}, got ${chunkSize}`);
  }
  const prices = pricesOf(tariff);
  const working = sortByMeter(parameters.meters).map((source) => start(source, prices));
  const chunks: Working[][] = [];
  for (let i = 0; i < working.length; i += chunkSize) chunks.push(working.slice(i, i + chunkSize));
  // The contract's order: by seller (ascending meter id), then by contract id.
  const sortedContracts = [...contracts].sort(
    (a, b) => compare(BigInt(a.seller), BigInt(b.seller)) || compare(a.id, b.id),
  );
  for (const chunk of chunks) serveContracts(chunk, sortedContracts, prices);

  const totals = poolTotals(working, allocationKey);
  sharePool(working, totals, allocationKey);
  for (const w of working) bill(w, prices);

  const meters = working.map((w) => w.result);
  return {
    totals,
    chunks: chunks.map((chunk) => chunk.map((w) => w.result)),
    meters,
    importWh: sum(meters.map((m) => m.importWh)),
    exportWh: sum(meters.map((m) => m.exportWh)),
    localWh: sum(meters.map((m) => m.contractBoughtWh + m.poolBoughtWh)),
  };
}

function start(source: SettlementMeter, prices: Prices): Working {
  const maxBuy = source.maxBuyPrice ?? 0n;
  return {
    source,
    result: {
      meter: source.meter,
      importWh: source.importWh,
      exportWh: source.exportWh,
      contractBoughtWh: 0n,
      contractSoldWh: 0n,
      poolBoughtWh: 0n,
      poolSoldWh: 0n,
      debit: 0n,
      credit: 0n,
    },
    remainingImport: source.importWh,
    remainingExport: source.exportWh,
    buysFromPool: maxBuy === 0n || maxBuy >= prices.poolBuyGross,
    sellsToPool: (source.minSellPrice ?? 0n) <= prices.community,
    boughtValue: 0n,
    soldValue: 0n,
  };
}

function serveContracts(chunk: Working[], contracts: readonly SettlementContract[], prices: Prices): void {
  const byMeter = new Map(chunk.map((w) => [BigInt(w.result.meter), w]));
  for (const c of contracts) {
    const seller = byMeter.get(BigInt(c.seller));
    const buyer = byMeter.get(BigInt(c.buyer));
    if (!seller || !buyer) continue;
    const wh = min(c.capWh, seller.remainingExport, buyer.remainingImport);
    if (wh === 0n) continue;
    seller.remainingExport -= wh;
    buyer.remainingImport -= wh;
    seller.result.contractSoldWh += wh;
    buyer.result.contractBoughtWh += wh;
    seller.soldValue += wh * c.pricePerKwh;
    buyer.boughtValue += wh * (c.pricePerKwh + prices.localSurcharge);
  }
}

function poolTotals(working: readonly Working[], key: AllocationKey): PoolTotals {
  let poolDemandWh = 0n;
  let poolSupplyWh = 0n;
  let shareWeightTotal = 0n;
  for (const w of working) {
    if (w.buysFromPool) {
      poolDemandWh += w.remainingImport;
      // Weights count only where the neighbourhood shares by them.
      if (key === "staticShares") shareWeightTotal += BigInt(w.source.shareWeight ?? 1);
    }
    if (w.sellsToPool) poolSupplyWh += w.remainingExport;
  }
  const totals = { poolDemandWh, poolSupplyWh, poolBoughtWh: 0n, shareWeightTotal };
  // Pro rata hands out exactly min(demand, supply) (cumulative rounding); static shares what each takes.
  totals.poolBoughtWh =
    key === "proRata"
      ? min(poolDemandWh, poolSupplyWh)
      : sum(working.filter((w) => w.buysFromPool).map((w) => staticShare(w, totals)));
  return totals;
}

function staticShare(w: Working, { poolSupplyWh, shareWeightTotal }: PoolTotals): bigint {
  if (shareWeightTotal === 0n) return 0n;
  return min((poolSupplyWh * BigInt(w.source.shareWeight ?? 1)) / shareWeightTotal, w.remainingImport);
}

/**
 * SettlementMath.sharePool: cumulative rounding in meter order, so the shares add up exactly — a meter
 * gets floor(cum × total / base) − floor(cumBefore × total / base).
 */
function sharePool(working: readonly Working[], totals: PoolTotals, key: AllocationKey): void {
  const { poolDemandWh: demand, poolSupplyWh: supply, poolBoughtWh } = totals;
  const local = min(demand, supply);
  let demandBefore = 0n;
  let supplyBefore = 0n;
  for (const w of working) {
    if (w.buysFromPool) {
      let bought = 0n;
      if (key === "proRata") {
        bought = share(demandBefore, w.remainingImport, local, demand);
        demandBefore += w.remainingImport;
      } else {
        bought = staticShare(w, totals);
      }
      w.result.poolBoughtWh = bought;
      w.remainingImport -= bought;
    }
    if (w.sellsToPool) {
      const sold = share(supplyBefore, w.remainingExport, poolBoughtWh, supply);
      supplyBefore += w.remainingExport;
      w.result.poolSoldWh = sold;
      w.remainingExport -= sold;
    }
  }
}

function share(before: bigint, amount: bigint, total: bigint, base: bigint): bigint {
  if (base === 0n) return 0n;
  return ((before + amount) * total) / base - (before * total) / base;
}

function bill(w: Working, p: Prices): void {
  const bought =
    w.boughtValue + w.result.poolBoughtWh * (p.community + p.localSurcharge) + w.remainingImport * p.gridNet;
  const sold = w.soldValue + w.result.poolSoldWh * p.community + w.remainingExport * p.feedIn;
  w.result.debit = (bought * p.vatFactor) / 10_000_000n;
  w.result.credit = sold / 1000n;
}

/** Meters in the order the contract requires: strictly ascending id; a meter twice is an error. */
export function sortByMeter<T extends { meter: Hex }>(meters: readonly T[]): T[] {
  const sorted = [...meters].sort((a, b) => compare(BigInt(a.meter), BigInt(b.meter)));
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i].meter) === BigInt(sorted[i - 1].meter)) {
      throw new RangeError(`meter ${sorted[i].meter} appears twice in one interval`);
    }
  }
  return sorted;
}

function compare(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function min(...values: bigint[]): bigint {
  return values.reduce((m, v) => (v < m ? v : m));
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}
