/**
 * A settlement contract for tests: once-only per neighbourhood-interval, counting every settle()
 * call; each settlement is one signed transaction. Its state can live in a JSON file, so it outlives a bridge process that is killed. Used by
 * *.test.ts and test-crash-worker.ts only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { neighbourhoodSettlementAbi } from "@nachbarstrom/core";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  WaitForTransactionReceiptTimeoutError,
  encodeErrorResult,
  hexToString,
  keccak256,
  toHex,
  type Hex,
} from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import type { SettlementPort } from "./submit.ts";

export type FakeSettlement = {
  commitment: Hex;
  txHash: Hex;
  meters: { meter: Hex; importWh: string; exportWh: string }[];
};

export type FakeChainState = {
  /** Key `<neighbourhoodId>:<interval>`: the one settlement the chain holds. */
  settlements: Record<string, FakeSettlement>;
  /** settle() calls per key, the refused ones included. */
  attempts: Record<string, number>;
  /** Every transaction the chain mined: hash → key. */
  transactions: Record<string, string>;
  /** afterSettled() calls per key. */
  followUps: Record<string, number>;
  /** The last nonce signed. */
  nonce: number;
};

export type FakeChainHooks = {
  /** Before the chain looks at a settle() call. */
  beforeSettle?: (batch: IntervalBatch) => Promise<void> | void;
  /** After the transaction was signed (and handed to onSigned), before it is broadcast. */
  afterSign?: (batch: IntervalBatch, hash: Hex) => Promise<void> | void;
  /** After the chain mined a settlement, before settle() returns its hash. */
  afterSettle?: (batch: IntervalBatch, hash: Hex) => Promise<void> | void;
  beforeReceipt?: (hash: Hex) => Promise<void> | void;
};

export type FakeChain = SettlementPort & { state(): FakeChainState };

export function settlementKey(neighbourhoodId: Hex, interval: bigint): string {
  return `${neighbourhoodId}:${interval}`;
}

type RawSettlement = { key: string; settlement: FakeSettlement };

/**
 * The chain in memory, or in `file` (read and written on every call) when given. A settlement is one
 * transaction whose raw form carries the settlement, so a stored one can be broadcast again.
 */
export function createFakeChain({
  file,
  hooks = {},
  signer = "bridge",
}: {
  file?: string;
  hooks?: FakeChainHooks;
  /** Goes into every transaction hash, so two fake chains sign different transactions. */
  signer?: string;
} = {}): FakeChain {
  let memory: FakeChainState = { settlements: {}, attempts: {}, transactions: {}, followUps: {}, nonce: 0 };
  const load = (): FakeChainState =>
    file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FakeChainState) : memory;
  const save = (state: FakeChainState) => {
    if (file) writeFileSync(file, JSON.stringify(state));
    else memory = state;
  };
  /** Mines the transaction unless the interval is settled: then its nonce is used for nothing. */
  const mine = (hash: Hex, { key, settlement }: RawSettlement): boolean => {
    const state = load();
    if (state.settlements[key]) return false;
    state.settlements[key] = settlement;
    state.transactions[hash] = key;
    save(state);
    return true;
  };

  return {
    state: load,
    async settle(batch, settleHooks) {
      await hooks.beforeSettle?.(batch);
      const state = load();
      const key = settlementKey(batch.neighbourhoodId, batch.interval);
      const attempt = (state.attempts[key] ?? 0) + 1;
      state.attempts[key] = attempt;
      state.nonce += 1;
      save(state);
      if (state.settlements[key]) throw alreadySettled(batch);
      const hash = keccak256(toHex(`${signer}/${key}#${attempt}`));
      const settlement = {
        commitment: batch.commitment,
        txHash: hash,
        meters: batch.meters.map((m) => ({ meter: m.meter, importWh: `${m.importWh}`, exportWh: `${m.exportWh}` })),
      };
      const raw = toHex(JSON.stringify({ key, settlement } satisfies RawSettlement));
      await settleHooks?.onSigned?.({ hash, raw, nonce: state.nonce });
      await hooks.afterSign?.(batch, hash);
      mine(hash, { key, settlement });
      await hooks.afterSettle?.(batch, hash);
      return hash;
    },
    async afterSettled(batch) {
      const state = load();
      const key = settlementKey(batch.neighbourhoodId, batch.interval);
      state.followUps[key] = (state.followUps[key] ?? 0) + 1;
      save(state);
    },
    async rebroadcast({ hash, raw }) {
      if (load().transactions[hash]) return "mined";
      return mine(hash, JSON.parse(hexToString(raw)) as RawSettlement) ? "sent" : "stale";
    },
    async waitForReceipt(hash) {
      await hooks.beforeReceipt?.(hash);
      if (!load().transactions[hash]) throw new WaitForTransactionReceiptTimeoutError({ hash });
      return { status: "success", blockNumber: 1n };
    },
    async settledRecord(neighbourhoodId, interval) {
      const settlement = load().settlements[settlementKey(neighbourhoodId, interval)];
      return settlement
        ? { settledAt: 1_700_000_000n, commitment: settlement.commitment }
        : { settledAt: 0n, commitment: `0x${"00".repeat(32)}` };
    },
    async findSettlement(neighbourhoodId, interval) {
      return load().settlements[settlementKey(neighbourhoodId, interval)]?.txHash;
    },
  };
}

/** The contract's SettlementIntervalAlreadySettled as viem reports it from a simulation. */
function alreadySettled(batch: IntervalBatch): ContractFunctionExecutionError {
  const errorName = "SettlementIntervalAlreadySettled";
  const data = encodeErrorResult({
    abi: neighbourhoodSettlementAbi,
    errorName,
    args: [batch.neighbourhoodId, batch.interval],
  });
  const cause = new ContractFunctionRevertedError({ abi: neighbourhoodSettlementAbi, data, functionName: "settle" });
  return new ContractFunctionExecutionError(cause, { abi: neighbourhoodSettlementAbi, functionName: "settle" });
}
