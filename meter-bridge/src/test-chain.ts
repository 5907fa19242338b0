/**
 * A settlement contract for tests: once-only per neighbourhood-interval, counting every settle()
 * call. Its state can live in a JSON file, so it outlives a bridge process that is killed. Used by
 * *.test.ts and test-crash-worker.ts only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { neighbourhoodSettlementAbi } from "@nachbarstrom/core";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  WaitForTransactionReceiptTimeoutError,
  encodeErrorResult,
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
  /** Every transaction the chain accepted: hash → key. */
  transactions: Record<string, string>;
};

export type FakeChainHooks = {
  /** Before the chain looks at a settle() call. */
  beforeSettle?: (batch: IntervalBatch) => Promise<void> | void;
  /** After the chain accepted a settlement, before settle() returns its hash. */
  afterSettle?: (batch: IntervalBatch, hash: Hex) => Promise<void> | void;
  beforeReceipt?: (hash: Hex) => Promise<void> | void;
};

export type FakeChain = SettlementPort & { state(): FakeChainState };

export function settlementKey(neighbourhoodId: Hex, interval: bigint): string {
  return `${neighbourhoodId}:${interval}`;
}

/** The chain in memory, or in `file` (read and written on every call) when given. */
export function createFakeChain({ file, hooks = {} }: { file?: string; hooks?: FakeChainHooks } = {}): FakeChain {
  let memory: FakeChainState = { settlements: {}, attempts: {}, transactions: {} };
  const load = (): FakeChainState =>
    file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FakeChainState) : memory;
  const save = (state: FakeChainState) => {
    if (file) writeFileSync(file, JSON.stringify(state));
    else memory = state;
  };

  return {
    state: load,
    async settle(batch) {
      await hooks.beforeSettle?.(batch);
      const state = load();
      const key = settlementKey(batch.neighbourhoodId, batch.interval);
      const attempt = (state.attempts[key] ?? 0) + 1;
      state.attempts[key] = attempt;
      if (state.settlements[key]) {
        save(state);
        throw alreadySettled(batch);
      }
      const txHash = keccak256(toHex(`${key}#${attempt}`));
      state.settlements[key] = {
        commitment: batch.commitment,
        txHash,
        meters: batch.meters.map((m) => ({ meter: m.meter, importWh: `${m.importWh}`, exportWh: `${m.exportWh}` })),
      };
      state.transactions[txHash] = key;
      save(state);
      await hooks.afterSettle?.(batch, txHash);
      return txHash;
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
