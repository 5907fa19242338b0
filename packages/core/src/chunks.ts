import { NachbarstromError } from "./errors.ts";

/**
 * What a chunk costs on chain, as `npm run bench:gas` measured it (ADR 0005), with a margin: the
 * planner fills a chunk up to `budget` by this estimate. The contract tests check every chunk they send
 * against it, so the estimate stays an upper bound.
 */
export const CHUNK_GAS = {
  /** Per transaction: the call, the header, the interval record. */
  base: 600_000,
  perMeter: 6_600,
  perContract: 15_000,
  /** Well under a block's 16,777,216 gas, with room for the estimate's error. */
  budget: 14_000_000,
} as const;

/** The most meters one chunk may carry (NeighbourhoodSettlement.MAX_CHUNK); gas limits chunks first. */
export const MAX_CHUNK = 5000;

export type ChunkGas = { base: number; perMeter: number; perContract: number; budget: number };

/** A meter as the planner sees it: its number in the registry. */
export type Numbered = { number: number };
/** A power contract as the planner sees it: the numbers of its two meters. */
export type Pair = { seller: number; buyer: number };

/** The estimated gas of a chunk of `meters` meters with `contracts` contracts served in it. */
export function chunkGas(meters: number, contracts: number, gas: ChunkGas = CHUNK_GAS): number {
  return gas.base + meters * gas.perMeter + contracts * gas.perContract;
}

/**
 * Cuts an interval's meters into chunks: meters joined by power contracts (directly or through others)
 * go into the same chunk, because a contract is served only when both its meters are in one chunk.
 * Groups are taken in order of their lowest meter number and added to the current chunk while its
 * estimated gas stays within the budget and it holds at most MAX_CHUNK meters; every chunk lists its
 * meters by ascending number, as the contract requires.
 * @throws NachbarstromError when a group of contract-joined meters alone exceeds the budget.
 */
export function planChunks<M extends Numbered>(
  meters: readonly M[],
  contracts: readonly Pair[],
  gas: ChunkGas = CHUNK_GAS,
): M[][] {
  const byNumber = new Map<number, M>();
  for (const m of meters) {
    if (byNumber.has(m.number)) throw new NachbarstromError(`meter number ${m.number} appears twice in one interval`);
    byNumber.set(m.number, m);
  }
  const groups = contractGroups([...byNumber.keys()], contracts);
  const chunks: M[][] = [];
  let current: number[] = [];
  let currentContracts = 0;
  for (const group of groups) {
    if (group.members.length > MAX_CHUNK || chunkGas(group.members.length, group.contracts, gas) > gas.budget) {
      throw new NachbarstromError(
        `${group.members.length} meters joined by ${group.contracts} power contracts do not fit one chunk`,
        { details: `meters ${group.members.slice(0, 5).join(", ")}…; estimated gas above ${gas.budget}` },
      );
    }
    const size = current.length + group.members.length;
    const together = chunkGas(size, currentContracts + group.contracts, gas);
    if (current.length > 0 && (together > gas.budget || size > MAX_CHUNK)) {
      chunks.push(toChunk(current, byNumber));
      current = [];
      currentContracts = 0;
    }
    current.push(...group.members);
    currentContracts += group.contracts;
  }
  if (current.length > 0) chunks.push(toChunk(current, byNumber));
  return chunks;
}

function toChunk<M>(numbers: number[], byNumber: Map<number, M>): M[] {
  return numbers.sort((a, b) => a - b).map((n) => byNumber.get(n) as M);
}

type Group = { members: number[]; contracts: number };

/** Meters joined by contracts whose two meters both report, by lowest member; singletons included. */
function contractGroups(numbers: number[], contracts: readonly Pair[]): Group[] {
  const parent = new Map(numbers.map((n) => [n, n]));
  const root = (n: number): number => {
    let r = n;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    parent.set(n, r);
    return r;
  };
  const inside = contracts.filter((c) => parent.has(c.seller) && parent.has(c.buyer));
  for (const c of inside) {
    const [a, b] = [root(c.seller), root(c.buyer)];
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  const groups = new Map<number, Group>();
  for (const n of numbers.sort((a, b) => a - b)) {
    const r = root(n);
    const group = groups.get(r) ?? { members: [], contracts: 0 };
    group.members.push(n);
    groups.set(r, group);
  }
  for (const c of inside) (groups.get(root(c.seller)) as Group).contracts += 1;
  return [...groups.values()].sort((a, b) => a.members[0] - b.members[0]);
}
