import { CHUNK_GAS, planChunks, type ChunkGas } from "./chunks.ts";
import type { ChunkResult, NumberedEnergy } from "./packed.ts";
import { pricesOf, type Prices, type Tariff } from "./tariff.ts";
import type { MicroEuroPerKwh, WattHours } from "./units.ts";

export type { Tariff } from "./tariff.ts";

/** How a neighbourhood shares its pool; the numbers are the contract's AllocationKey enum. */
export const ALLOCATION_KEY = { proRata: 0, staticShares: 1 } as const;
export type AllocationKey = keyof typeof ALLOCATION_KEY;

/** A meter with its owner's preferences as they count for the interval; absent ones mean no limit. */
export type SettlementMeter = NumberedEnergy & {
  maxBuyPrice?: MicroEuroPerKwh;
  minSellPrice?: MicroEuroPerKwh;
  shareWeight?: number;
};

/** An active power contract valid for the interval, between two meter numbers. */
export type SettlementContract = {
  id: bigint;
  seller: number;
  buyer: number;
  pricePerKwh: MicroEuroPerKwh;
  capWh: WattHours;
};

/** One meter's settled interval (the ChunkSettled record). */
export type MeterSettlement = ChunkResult;

/** The totals a batch header declares (INeighbourhoodSettlement.BatchHeader without key and commitment). */
export type PoolTotals = { poolDemandWh: bigint; poolSupplyWh: bigint; poolBoughtWh: bigint; shareWeightTotal: bigint };

export type SettleIntervalParameters = {
  tariff: Tariff;
  meters: readonly SettlementMeter[];
  allocationKey?: AllocationKey;
  contracts?: readonly SettlementContract[];
  /** How chunks are sized (planChunks); the default is the chain's. */
  gas?: ChunkGas;
};

export type SettleIntervalReturnType = {
  totals: PoolTotals;
  /** The meters cut into chunks as the contract receives them (planChunks). */
  chunks: MeterSettlement[][];
  /** Every meter, by ascending number. */
  meters: MeterSettlement[];
  importWh: WattHours;
  exportWh: WattHours;
  localWh: WattHours;
};

/** A meter's energy still to allocate while power contracts are served. */
export type ContractServing = { number: number; remainingImport: WattHours; remainingExport: WattHours };

type Working = ContractServing & {
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
 * NeighbourhoodSettlement.sol and SettlementMath.sol: same chunks, same order, same rounding, same
 * result to the unit.
 */
export function settleInterval(parameters: SettleIntervalParameters): SettleIntervalReturnType {
  const { tariff, allocationKey = "proRata", contracts = [], gas = CHUNK_GAS } = parameters;
  const prices = pricesOf(tariff);
  const planned = planChunks(parameters.meters, contracts, gas);
  const chunks = planned.map((chunk) => chunk.map((source) => start(source, prices)));
  const sortedContracts = contractOrder(contracts);
  for (const chunk of chunks) {
    serveContracts(chunk, sortedContracts, (c, seller, buyer, wh) => {
      seller.result.contractSoldWh += wh;
      buyer.result.contractBoughtWh += wh;
      seller.soldValue += wh * c.pricePerKwh;
      buyer.boughtValue += wh * (c.pricePerKwh + prices.localSurcharge);
    });
  }

  // The pool's cumulative rounding runs in chunk order, as the chain receives the meters.
  const working = chunks.flat();
  const totals = poolTotals(working, allocationKey);
  sharePool(working, totals, allocationKey);
  for (const w of working) bill(w, prices);

  const meters = working.map((w) => w.result).sort((a, b) => a.number - b.number);
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
    number: source.number,
    source,
    result: {
      number: source.number,
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

/** The order in which a chunk's contracts are served: by seller (ascending number), then by contract id. */
export function contractOrder<C extends SettlementContract>(contracts: readonly C[]): C[] {
  return [...contracts].sort((a, b) => a.seller - b.seller || compare(a.id, b.id));
}

/**
 * Serves power contracts in one chunk, in the order given ({@link contractOrder}), as
 * NeighbourhoodSettlement._serveContracts with SettlementMath.deliver does: each contract whose two
 * meters are in the chunk gets min(cap, seller's remaining export, buyer's remaining import), taken
 * from those remainders; `delivered` hears of every contract served more than 0 Wh.
 */
export function serveContracts<W extends ContractServing>(
  chunk: readonly W[],
  contracts: readonly SettlementContract[],
  delivered: (contract: SettlementContract, seller: W, buyer: W, wh: WattHours) => void,
): void {
  const byNumber = new Map(chunk.map((w) => [w.number, w]));
  for (const c of contracts) {
    const seller = byNumber.get(c.seller);
    const buyer = byNumber.get(c.buyer);
    if (!seller || !buyer) continue;
    const wh = min(c.capWh, seller.remainingExport, buyer.remainingImport);
    if (wh === 0n) continue;
    seller.remainingExport -= wh;
    buyer.remainingImport -= wh;
    delivered(c, seller, buyer, wh);
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
 * SettlementMath.sharePool: cumulative rounding in chunk order, so the shares add up exactly — a meter
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

function compare(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function min(...values: bigint[]): bigint {
  return values.reduce((m, v) => (v < m ? v : m));
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}
