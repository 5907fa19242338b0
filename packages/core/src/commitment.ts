import { keccak256, toBytes, type Hex } from "viem";
import type { Reading } from "./reading.ts";

/**
 * Commitment of the raw readings behind one batch: keccak256 over one canonical line per reading,
 * sorted, so anyone holding the readings can recompute it and compare it with the chain.
 * Line: `<meteringPointId>,<unixSeconds>,<importWh>,<exportWh>`.
 */
export function commitReadings(readings: readonly Reading[]): Hex {
  const lines = readings.map((r) => `${r.meteringPointId},${r.unixSeconds},${r.importWh},${r.exportWh}`).sort();
  return keccak256(toBytes(lines.join("\n")));
}
