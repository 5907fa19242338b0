import { neighbourhoodSettlementAbi } from "@nachbarstrom/core/abi";
import { NachbarstromError } from "@nachbarstrom/core";
import { decodeChunkResults, RESULT_SIZE, type ChunkResult } from "@nachbarstrom/core/packed";
import { bytesToHex, keccak256, type Hex } from "viem";
import type { PortalContext } from "../chain.ts";
import { sql } from "@nachbarstrom/core/database";
import { allRows, type ReadModelDb } from "../read-model/store.ts";
import { meterIntervalOf } from "../read-model/meter-interval-row.ts";

/**
 * SettlementCorrections.correctMeter takes a chunk's results exactly as its ChunkSettled event carried
 * them (the contract checks their hash). They are rebuilt from the read model's rows of the chunk, and
 * read from the chunk's event only when that does not give the settled hash.
 */

/** Encodes ChunkSettled's results: per meter 44 bytes, big-endian uint32 number, import, export,
 *  contract bought, contract sold, pool bought, pool sold, then uint64 debit and credit. */
export function encodeChunkResults(results: readonly ChunkResult[]): Hex {
  const bytes = new Uint8Array(results.length * RESULT_SIZE);
  const view = new DataView(bytes.buffer);
  results.forEach((r, i) => {
    const at = i * RESULT_SIZE;
    view.setUint32(at, r.number);
    [r.importWh, r.exportWh, r.contractBoughtWh, r.contractSoldWh, r.poolBoughtWh, r.poolSoldWh].forEach((value, k) =>
      view.setUint32(at + 4 + 4 * k, Number(value)),
    );
    view.setBigUint64(at + 28, r.debit);
    view.setBigUint64(at + 36, r.credit);
  });
  return bytesToHex(bytes);
}

/** The read model's rows of one chunk in chunk order, as ChunkSettled carried them. */
export async function storedChunkResults(
  db: ReadModelDb,
  neighbourhood: Hex,
  interval: bigint,
  chunk: number,
): Promise<ChunkResult[]> {
  const rows = await allRows(
    db,
    sql`SELECT * FROM meter_intervals WHERE neighbourhood = ${neighbourhood} AND interval = ${interval} AND chunk = ${chunk}
       ORDER BY position`,
  );
  return rows.map(meterIntervalOf);
}

/** A chunk whose settled results cannot be found (neither in the read model nor in the chain's logs). */
export class ChunkResultsError extends NachbarstromError {
  override name = "ChunkResultsError";
}

/** The chunk's results bytes as settled, decoded too; proven against NeighbourhoodSettlement.chunkOf. */
export async function settledChunkResults(
  { deployment, client, readModel }: PortalContext,
  neighbourhood: Hex,
  interval: bigint,
  chunk: number,
): Promise<{ results: Hex; decoded: ChunkResult[] }> {
  const address = deployment.contracts.neighbourhoodSettlement;
  const [, resultsHash] = await client.readContract({
    address,
    abi: neighbourhoodSettlementAbi,
    functionName: "chunkOf",
    args: [neighbourhood, interval, chunk],
  });
  const stored = await storedChunkResults(readModel, neighbourhood, interval, chunk);
  const rebuilt = encodeChunkResults(stored);
  if (stored.length > 0 && keccak256(rebuilt) === resultsHash) return { results: rebuilt, decoded: stored };
  const logs = await client.getContractEvents({
    address,
    abi: neighbourhoodSettlementAbi,
    eventName: "ChunkSettled",
    args: { neighbourhood, interval },
    fromBlock: BigInt(deployment.deployedAtBlock),
    strict: true,
  });
  const log = logs.find((l) => l.args.chunk === chunk && keccak256(l.args.results) === resultsHash);
  if (!log) {
    throw new ChunkResultsError("The settled results of the chunk were not found", {
      details: `chunk ${chunk} of interval ${interval} of ${neighbourhood}: no ChunkSettled log with results hash ${resultsHash}`,
    });
  }
  return { results: log.args.results, decoded: decodeChunkResults(log.args.results) };
}
