/**
 * The log stream `npm run bench:web` feeds the portal's indexer: the events the contracts emit for a
 * utility's meters over a year, ABI-encoded as eth_getLogs returns them (viem's encodeEventTopics and
 * encodeAbiParameters over the project's ABIs), generated on demand per getLogs range so a year never
 * sits in memory.
 *
 * The chain it pretends to be: 2-second blocks (450 per 15-minute interval). Registration first
 * (neighbourhoods, participants, meters, tariffs), then per interval and neighbourhood one settlement
 * transaction a minute after the interval ends, in a block of its own: ChunkSettled (every meter of the
 * neighbourhood, 44 bytes each) then IntervalSettled, as settleChunk emits them. Besides: one top-up per
 * household per 30 days, and one operator correction per day.
 */
import {
  creditTokenAbi,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  settlementCorrectionsAbi,
  tariffScheduleAbi,
  RESULT_SIZE,
  type ChunkResult,
  type Deployment,
} from "@nachbarstrom/core";
import {
  bytesToHex,
  encodeAbiParameters,
  encodeEventTopics,
  type Abi,
  type AbiEvent,
  type Address,
  type Hex,
} from "viem";
import type { RawLog } from "../web/src/lib/server/read-model/decode.ts";
import type { IndexerClient } from "../web/src/lib/server/read-model/indexer.ts";

export type StreamLayout = {
  neighbourhoods: number;
  metersPerNeighbourhood: number;
  /** Intervals settled, from `firstInterval` on. */
  intervals: number;
  firstInterval: bigint;
};

export const BLOCKS_PER_INTERVAL = 450;
/** Where the settlements begin; the registration's blocks come before. */
const FIRST_SETTLEMENT_BLOCK = 1_000;
/** A settlement transaction lands this many blocks (a minute) after its interval ends. */
const SETTLEMENT_DELAY = 30;
const INTERVALS_PER_DAY = 96;
const INTERVALS_PER_MONTH = 30 * INTERVALS_PER_DAY;
/** Community price, grid price and feed-in price in base units per Wh (25, 40 and 7.9 ct/kWh). */
const COMMUNITY = 250n;
const GRID = 400n;
const FEED_IN = 79n;

export const benchDeployment: Deployment = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  deployedAtBlock: 10,
  contracts: {
    meterRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    creditToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    tariffSchedule: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    powerContracts: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
    neighbourhoodSettlement: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
    settlementCorrections: "0x5FC8d32690cc91D4c9db4d9031777E8bC7dC7f69",
    costCap: "0x0165878A594ca255338adfAfcc0E1f5c13A8c6ec",
  },
};

/** A meter of the stream: its registry number (1…), neighbourhood index and owner. */
export type BenchMeter = { number: number; hood: number; owner: Address; meter: Hex };

/** The stream's meters and owners: every tenth household has two meters (say, a heat pump's). */
export function benchMeters(layout: StreamLayout): { meters: BenchMeter[]; owners: Address[] } {
  const meters: BenchMeter[] = [];
  const owners: Address[] = [];
  for (let hood = 0; hood < layout.neighbourhoods; hood++) {
    let second = false;
    for (let i = 0; i < layout.metersPerNeighbourhood; i++) {
      if (second) second = false;
      else {
        owners.push(address(0xa0000 + owners.length));
        second = owners.length % 10 === 0 && i < layout.metersPerNeighbourhood - 1;
      }
      const number = meters.length + 1;
      meters.push({ number, hood, owner: owners.at(-1)!, meter: word(0x3e7e7, number) });
    }
  }
  return { meters, owners };
}

/** The neighbourhood id of index `hood`. */
export function hoodId(hood: number): Hex {
  return word(0x400d, hood);
}

/** The last block of the stream: after the last interval's settlements. */
export function lastBlock(layout: StreamLayout, intervals = layout.intervals): bigint {
  return BigInt(FIRST_SETTLEMENT_BLOCK + intervals * BLOCKS_PER_INTERVAL - 1);
}

export type BenchChain = {
  client: IndexerClient;
  /** Moves the head, e.g. to the end of the first month and later to the end of the year. */
  setHead(block: bigint): void;
  /**
   * Leaves ChunkSettled out (false) while the bulk path (bench-web-bulk.ts) writes its rows, or puts
   * it back (true, the default).
   */
  setChunks(on: boolean): void;
  /** Milliseconds spent inside getLogs making the logs: the fake chain's time, not the indexer's. */
  sourceMs(): number;
  /** Logs and meter results handed out so far. */
  logs(): number;
};

/** A chain that serves the stream through the indexer's client interface. */
export function benchChain(layout: StreamLayout, deployment: Deployment = benchDeployment): BenchChain {
  const { meters, owners } = benchMeters(layout);
  const c = deployment.contracts;
  let head = lastBlock(layout);
  let sourceMs = 0;
  let handedOut = 0;
  let withChunks = true;

  const registration = (): RawLog[] => {
    const logs: RawLog[] = [];
    const at = (block: number) => (log: Omit<RawLog, "blockNumber" | "logIndex" | "transactionHash">) =>
      logs.push({
        ...log,
        blockNumber: BigInt(block),
        logIndex: logs.filter((l) => l.blockNumber === BigInt(block)).length,
        transactionHash: word(0x7e9, logs.length),
      });
    for (let hood = 0; hood < layout.neighbourhoods; hood++) {
      at(11)(
        encode(c.meterRegistry, meterRegistryAbi, "NeighbourhoodRegistered", {
          neighbourhood: hoodId(hood),
          config: {
            exists: true,
            allocationKey: 0,
            tariffNoticeIntervals: 2688,
            contractNoticeIntervals: 96,
            costCap: true,
          },
        }),
      );
      at(12)(
        encode(c.tariffSchedule, tariffScheduleAbi, "TariffAnnounced", {
          neighbourhood: hoodId(hood),
          effectiveFrom: 0n,
          tariff: {
            gridEnergy: 150_000n,
            gridFee: 110_000n,
            localGridFee: 40_000n,
            electricityTax: 20_500n,
            concessionFee: 16_600n,
            levies: 30_000n,
            feedInPrice: 79_000n,
            communityPrice: 250_000n,
            vatBasisPoints: 1900,
          },
        }),
      );
    }
    owners.forEach((account, i) =>
      at(13 + Math.floor(i / 100))(
        encode(c.meterRegistry, meterRegistryAbi, "ParticipantRegistered", { account, number: i + 1 }),
      ),
    );
    meters.forEach((m, i) =>
      at(30 + Math.floor(i / 100))(
        encode(c.meterRegistry, meterRegistryAbi, "MeterRegistered", {
          meter: m.meter,
          neighbourhood: hoodId(m.hood),
          owner: m.owner,
          number: m.number,
        }),
      ),
    );
    return logs;
  };

  /** The logs of interval `k` (0-based): settlements, top-ups due then, the day's correction. */
  const intervalLogs = (k: number): RawLog[] => {
    const interval = layout.firstInterval + BigInt(k);
    const base = FIRST_SETTLEMENT_BLOCK + k * BLOCKS_PER_INTERVAL + SETTLEMENT_DELAY;
    const logs: RawLog[] = [];
    for (let hood = 0; hood < layout.neighbourhoods; hood++) {
      const { results, ...where } = settlementOf(layout, meters, k, hood);
      const sum = (f: (r: ChunkResult) => bigint) => results.reduce((s, r) => s + f(r), 0n);
      if (withChunks) {
        logs.push({
          ...encode(c.neighbourhoodSettlement, neighbourhoodSettlementAbi, "ChunkSettled", {
            neighbourhood: hoodId(hood),
            interval,
            chunk: 0,
            results: packResults(results),
          }),
          ...where,
          logIndex: 0,
        });
      }
      logs.push({
        ...encode(c.neighbourhoodSettlement, neighbourhoodSettlementAbi, "IntervalSettled", {
          neighbourhood: hoodId(hood),
          interval,
          commitment: word(0xc0, k * 1_000 + hood),
          batchKey: word(0xba, k * 1_000 + hood),
          meterCount: results.length,
          importWh: sum((r) => r.importWh),
          exportWh: sum((r) => r.exportWh),
          localWh: sum((r) => r.poolBoughtWh),
        }),
        ...where,
        logIndex: 1,
      });
    }
    // Each household tops up once in 30 days, on a day of its own.
    const slot = k % INTERVALS_PER_MONTH;
    owners.forEach((account, i) => {
      if ((i * 37) % INTERVALS_PER_MONTH !== slot) return;
      logs.push({
        ...encode(c.creditToken, creditTokenAbi, "ToppedUp", { account, amount: 50_000_000n, repaid: 0n }),
        blockNumber: BigInt(base + 200),
        logIndex: logs.filter((l) => l.blockNumber === BigInt(base + 200)).length,
        transactionHash: word(0x70b, k * 10_000 + i),
      });
    });
    if (k % INTERVALS_PER_DAY === 60) {
      const m = meters[(k * 7919) % meters.length];
      logs.push({
        ...encode(c.settlementCorrections, settlementCorrectionsAbi, "MeterCorrected", {
          neighbourhood: hoodId(m.hood),
          interval: interval - 50n,
          number: m.number,
          importWh: 120,
          exportWh: 0,
          debit: 48_000n,
          credit: 0n,
          change: 1_200n,
          reason: "replacement value from the meter operator",
        }),
        blockNumber: BigInt(base + 300),
        logIndex: 0,
        transactionHash: word(0xc077, k),
      });
    }
    return logs;
  };

  const client: IndexerClient = {
    getBlockNumber: async () => head,
    getBlockHash: async (block) => (block <= head ? word(0xb10c, Number(block)) : undefined),
    // Only PowerContractAccepted asks for a block's time, and this year has no power contracts.
    getBlockTimestamp: async (block) => block * 12n,
    getLogs: async ({ fromBlock, toBlock }) => {
      const started = performance.now();
      const logs: RawLog[] = [];
      if (fromBlock < FIRST_SETTLEMENT_BLOCK) logs.push(...registration());
      const first = Math.max(0, Math.floor((Number(fromBlock) - FIRST_SETTLEMENT_BLOCK) / BLOCKS_PER_INTERVAL));
      const last = Math.min(
        layout.intervals - 1,
        Math.floor((Number(toBlock) - FIRST_SETTLEMENT_BLOCK) / BLOCKS_PER_INTERVAL),
      );
      for (let k = first; k <= last; k++) logs.push(...intervalLogs(k));
      const inRange = logs.filter((l) => l.blockNumber >= fromBlock && l.blockNumber <= toBlock);
      handedOut += inRange.length;
      sourceMs += performance.now() - started;
      return inRange;
    },
  };
  return {
    client,
    setHead: (block) => (head = block),
    setChunks: (on) => (withChunks = on),
    sourceMs: () => sourceMs,
    logs: () => handedOut,
  };
}

/** Neighbourhood `hood`'s settlement of interval `k` (0-based): its results and its transaction. */
export function settlementOf(layout: StreamLayout, meters: readonly BenchMeter[], k: number, hood: number) {
  const per = layout.metersPerNeighbourhood;
  return {
    results: settle(meters.slice(hood * per, (hood + 1) * per), k),
    blockNumber: BigInt(FIRST_SETTLEMENT_BLOCK + k * BLOCKS_PER_INTERVAL + SETTLEMENT_DELAY + hood),
    transactionHash: word(0x5e771e, k * 1_000 + hood),
  };
}

/**
 * One neighbourhood's interval: a household profile (base load, evening peak) for every meter, a roof
 * of PV on every third; the local supply shared pro rata to demand at the community price, the rest
 * bought from or sold to the grid. Deterministic in (meter, interval).
 */
export function settle(meters: readonly BenchMeter[], k: number): ChunkResult[] {
  const t = k % INTERVALS_PER_DAY;
  const sun = Math.max(0, Math.sin(((t - 24) / 56) * Math.PI));
  const evening = t >= 68 && t < 88 ? 1.8 : 1;
  const energy = meters.map((m) => {
    const noise = mix(m.number, k);
    const use = Math.round((40 + (noise % 80)) * evening);
    const pv = m.number % 3 === 0 ? Math.round(sun * (300 + (noise % 200))) : 0;
    return { number: m.number, importWh: BigInt(Math.max(0, use - pv)), exportWh: BigInt(Math.max(0, pv - use)) };
  });
  const demand = energy.reduce((s, e) => s + e.importWh, 0n);
  const supply = energy.reduce((s, e) => s + e.exportWh, 0n);
  const local = demand < supply ? demand : supply;
  return energy.map((e) => {
    const poolBoughtWh = demand === 0n ? 0n : (e.importWh * local) / demand;
    const poolSoldWh = supply === 0n ? 0n : (e.exportWh * local) / supply;
    return {
      ...e,
      contractBoughtWh: 0n,
      contractSoldWh: 0n,
      poolBoughtWh,
      poolSoldWh,
      debit: poolBoughtWh * COMMUNITY + (e.importWh - poolBoughtWh) * GRID,
      credit: poolSoldWh * COMMUNITY + (e.exportWh - poolSoldWh) * FEED_IN,
    };
  });
}

/** ChunkSettled's results as NeighbourhoodSettlement packs them (44 bytes per meter, big-endian). */
function packResults(results: readonly ChunkResult[]): Hex {
  const bytes = new Uint8Array(results.length * RESULT_SIZE);
  const view = new DataView(bytes.buffer);
  results.forEach((r, i) => {
    const at = i * RESULT_SIZE;
    const words = [r.importWh, r.exportWh, r.contractBoughtWh, r.contractSoldWh, r.poolBoughtWh, r.poolSoldWh];
    view.setUint32(at, r.number);
    words.forEach((wh, w) => view.setUint32(at + 4 * (w + 1), Number(wh)));
    view.setBigUint64(at + 28, r.debit);
    view.setBigUint64(at + 36, r.credit);
  });
  return bytesToHex(bytes);
}

/** A log of `eventName` from `address`, encoded as a node returns it (indexed arguments in topics). */
function encode(address: Address, abi: Abi, eventName: string, args: Record<string, unknown>) {
  const item = abi.find((x): x is AbiEvent => x.type === "event" && x.name === eventName);
  if (!item) throw new Error(`no event ${eventName}`);
  const data = item.inputs.filter((input) => !input.indexed);
  return {
    address,
    topics: encodeEventTopics({ abi: [item], eventName, args } as never) as RawLog["topics"],
    data: encodeAbiParameters(
      data,
      data.map((input) => args[input.name!]),
    ),
  };
}

/** A well-mixed 32-bit number of two integers (no crypto: only the spread matters). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** A 32-byte value that looks like a hash, unique per (tag, n): as long and as random as keccak's. */
function word(tag: number, n: number): Hex {
  let hex = "";
  for (let i = 0; i < 8; i++) hex += mix(mix(tag, i), n).toString(16).padStart(8, "0");
  return `0x${hex}`;
}

function address(n: number): Address {
  return `0x${word(0xadd, n).slice(26)}` as Address;
}
