import type { Hex } from "viem";
import type { DecodedLog } from "./decoded-log.ts";

/** A 32-byte hex value made of one repeated byte, for readable fakes: id(0xa1) → 0xa1a1…a1. */
export function id(byte: number): Hex {
  return `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
}

/** A log as viem decodes it with `strict: true`. */
export function fakeLog<Args>(args: Args, blockNumber: bigint, logIndex = 0): DecodedLog<Args> {
  return { args, blockNumber, logIndex, transactionHash: id(Number(blockNumber % 256n)) };
}
