import { bytesToHex, hexToBytes, type Hex } from "viem";
import { NachbarstromError } from "./errors.ts";
import type { MicroEuro, WattHours } from "./units.ts";

/** Bytes per meter in a chunk's calldata (contracts/PackedMeters.sol). */
export const PACKED_METER_SIZE = 12;
/** Bytes per meter in ChunkSettled's results (NeighbourhoodSettlement.RESULT_SIZE). */
export const RESULT_SIZE = 44;

const UINT32_MAX = 0xffff_ffffn;

/** One meter of a chunk as the contract takes it: its number in the registry and its energy. */
export type NumberedEnergy = { number: number; importWh: WattHours; exportWh: WattHours };

/** One meter's settled interval, as ChunkSettled carries it. */
export type ChunkResult = NumberedEnergy & {
  contractBoughtWh: WattHours;
  contractSoldWh: WattHours;
  poolBoughtWh: WattHours;
  poolSoldWh: WattHours;
  /** What the owner pays, gross. */
  debit: MicroEuro;
  /** What the owner receives. */
  credit: MicroEuro;
};

/**
 * Packs a chunk's meters for NeighbourhoodSettlement.settleChunk: 12 bytes per meter, big-endian
 * uint32 number, import Wh, export Wh. The order is kept; the contract requires ascending numbers.
 */
export function packMeters(meters: readonly NumberedEnergy[]): Hex {
  const bytes = new Uint8Array(meters.length * PACKED_METER_SIZE);
  const view = new DataView(bytes.buffer);
  meters.forEach((m, i) => {
    const at = i * PACKED_METER_SIZE;
    view.setUint32(at, uint32(BigInt(m.number), "meter number", i));
    view.setUint32(at + 4, uint32(m.importWh, "importWh", i));
    view.setUint32(at + 8, uint32(m.exportWh, "exportWh", i));
  });
  return bytesToHex(bytes);
}

/** Unpacks what {@link packMeters} packed. */
export function unpackMeters(packed: Hex): NumberedEnergy[] {
  const bytes = hexToBytes(packed);
  if (bytes.length % PACKED_METER_SIZE !== 0) {
    throw new NachbarstromError(`packed meters: ${bytes.length} bytes is not a multiple of ${PACKED_METER_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meters: NumberedEnergy[] = [];
  for (let at = 0; at < bytes.length; at += PACKED_METER_SIZE) {
    meters.push({
      number: view.getUint32(at),
      importWh: BigInt(view.getUint32(at + 4)),
      exportWh: BigInt(view.getUint32(at + 8)),
    });
  }
  return meters;
}

/** Decodes the `results` of a ChunkSettled event: one {@link ChunkResult} per meter, in chunk order. */
export function decodeChunkResults(results: Hex): ChunkResult[] {
  const bytes = hexToBytes(results);
  if (bytes.length % RESULT_SIZE !== 0) {
    throw new NachbarstromError(`chunk results: ${bytes.length} bytes is not a multiple of ${RESULT_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoded: ChunkResult[] = [];
  for (let at = 0; at < bytes.length; at += RESULT_SIZE) {
    const u32 = (k: number) => BigInt(view.getUint32(at + 4 * k));
    decoded.push({
      number: view.getUint32(at),
      importWh: u32(1),
      exportWh: u32(2),
      contractBoughtWh: u32(3),
      contractSoldWh: u32(4),
      poolBoughtWh: u32(5),
      poolSoldWh: u32(6),
      debit: view.getBigUint64(at + 28),
      credit: view.getBigUint64(at + 36),
    });
  }
  return decoded;
}

function uint32(value: bigint, field: string, index: number): number {
  if (value < 0n || value > UINT32_MAX) {
    throw new NachbarstromError(`meter ${index}: ${field} ${value} is outside 0…${UINT32_MAX}`);
  }
  return Number(value);
}
