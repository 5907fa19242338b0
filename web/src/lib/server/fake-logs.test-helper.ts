import { RESULT_SIZE, type ChunkResult } from "@nachbarstrom/core/packed";
import { bytesToHex, type Hex } from "viem";
import type { DecodedLog } from "./decoded-log.ts";

/** A 32-byte hex value made of one repeated byte, for readable fakes: id(0xa1) → 0xa1a1…a1. */
export function id(byte: number): Hex {
  return `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
}

/** A log as viem decodes it with `strict: true`. */
export function fakeLog<Args>(args: Args, blockNumber: bigint, logIndex = 0): DecodedLog<Args> {
  return { args, blockNumber, logIndex, transactionHash: id(Number(blockNumber % 256n)) };
}

/**
 * ChunkSettled's `results` as NeighbourhoodSettlement writes them: 44 bytes per meter, big-endian
 * uint32 number and six uint32 energies, then uint64 debit and credit.
 */
export function encodeChunkResults(results: readonly ChunkResult[]): Hex {
  const bytes = new Uint8Array(results.length * RESULT_SIZE);
  const view = new DataView(bytes.buffer);
  results.forEach((r, i) => {
    const at = i * RESULT_SIZE;
    const words = [r.importWh, r.exportWh, r.contractBoughtWh, r.contractSoldWh, r.poolBoughtWh, r.poolSoldWh];
    view.setUint32(at, r.number);
    words.forEach((wh, k) => view.setUint32(at + 4 * (k + 1), Number(wh)));
    view.setBigUint64(at + 28, r.debit);
    view.setBigUint64(at + 36, r.credit);
  });
  return bytesToHex(bytes);
}
