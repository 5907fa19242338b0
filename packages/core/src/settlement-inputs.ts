import { encodeAbiParameters, keccak256, type Hex, type PublicClient } from "viem";
import { meterRegistryAbi, powerContractsAbi, tariffScheduleAbi } from "./abi.ts";
import { CHUNK_GAS, type ChunkGas } from "./chunks.ts";
import type { Deployment } from "./deployment.ts";
import { packMeters } from "./packed.ts";
import {
  settleInterval,
  type AllocationKey,
  type SettleIntervalReturnType,
  type SettlementContract,
  type SettlementMeter,
} from "./settlement.ts";
import type { Tariff } from "./tariff.ts";
import type { WattHours } from "./units.ts";

/** A meter's energy in one interval, by its id, as the bridge aggregates it from readings. */
export type MeterEnergy = { meter: Hex; importWh: WattHours; exportWh: WattHours };

const ACTIVE = 2; // IPowerContracts.Status.Active

export type SettlementInputs = {
  tariff: Tariff;
  allocationKey: AllocationKey;
  meters: SettlementMeter[];
  contracts: SettlementContract[];
  /** Each meter's id by its number. */
  idOf: Map<number, Hex>;
  /** Whether the neighbourhood caps each household's month at grid-only cost (CostCap). */
  costCap: boolean;
};

export type ReadSettlementInputsParameters = {
  client: PublicClient;
  deployment: Deployment;
  neighbourhoodId: Hex;
  interval: bigint;
  meters: readonly MeterEnergy[];
};

/**
 * Reads from the chain everything besides the energy that settling an interval depends on: the tariff
 * in force, the allocation key, the owners' preferences and the power contracts valid for the interval.
 */
export async function readSettlementInputs({
  client,
  deployment,
  neighbourhoodId,
  interval,
  meters,
}: ReadSettlementInputsParameters): Promise<SettlementInputs> {
  const { meterRegistry, tariffSchedule, powerContracts } = deployment.contracts;
  // One block for every read, so the inputs are one consistent state of the chain.
  const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
  const [[tariff], neighbourhood] = await Promise.all([
    client.readContract({
      address: tariffSchedule,
      abi: tariffScheduleAbi,
      functionName: "tariffAt",
      args: [neighbourhoodId, interval],
      blockNumber,
    }),
    client.readContract({
      address: meterRegistry,
      abi: meterRegistryAbi,
      functionName: "neighbourhoodOf",
      args: [neighbourhoodId],
      blockNumber,
    }),
  ]);
  const withPreferences = await Promise.all(
    meters.map(async (m) => {
      const record = await client.readContract({
        address: meterRegistry,
        abi: meterRegistryAbi,
        functionName: "meterAt",
        args: [m.meter, interval],
        blockNumber,
      });
      return {
        number: record.number,
        importWh: m.importWh,
        exportWh: m.exportWh,
        maxBuyPrice: BigInt(record.maxBuyPrice),
        minSellPrice: BigInt(record.minSellPrice),
        shareWeight: record.shareWeight,
      };
    }),
  );
  const contractIds = (
    await Promise.all(
      meters.map((m) =>
        client.readContract({
          address: powerContracts,
          abi: powerContractsAbi,
          functionName: "contractsSoldBy",
          args: [m.meter],
          blockNumber,
        }),
      ),
    )
  ).flat();
  const terms = await Promise.all(
    contractIds.map((id) =>
      client.readContract({
        address: powerContracts,
        abi: powerContractsAbi,
        functionName: "contractOf",
        args: [id],
        blockNumber,
      }),
    ),
  );
  const contracts: SettlementContract[] = [];
  terms.forEach((c, k) => {
    if (c.status === ACTIVE && BigInt(c.validFrom) <= interval && interval < BigInt(c.validUntil)) {
      contracts.push({
        id: contractIds[k],
        seller: c.sellerNumber,
        buyer: c.buyerNumber,
        pricePerKwh: BigInt(c.pricePerKwh),
        capWh: BigInt(c.capWh),
      });
    }
  });
  return {
    tariff,
    allocationKey: neighbourhood.allocationKey === 1 ? "staticShares" : "proRata",
    meters: withPreferences,
    contracts,
    idOf: new Map(withPreferences.map((m, i) => [m.number, meters[i].meter])),
    costCap: neighbourhood.costCap,
  };
}

export type BatchHeader = {
  batchKey: Hex;
  commitment: Hex;
  chunkCount: number;
  poolDemandWh: bigint;
  poolSupplyWh: bigint;
  poolBoughtWh: bigint;
  shareWeightTotal: bigint;
};

/** A batch ready to send: the header, each chunk's packed calldata, and the expected results. */
export type PlannedBatch = { header: BatchHeader; chunks: Hex[]; expected: SettleIntervalReturnType };

/**
 * Cuts an interval's meters into chunks (planChunks: contract-joined meters together, sized by gas) and
 * computes the header's pool totals with the reference settlement. The batch key is derived from
 * neighbourhood, interval and commitment, so the same raw readings always give the same key and a
 * resubmission is recognised as one.
 */
export function planBatch(
  inputs: SettlementInputs,
  {
    neighbourhoodId,
    interval,
    commitment,
    gas = CHUNK_GAS,
  }: { neighbourhoodId: Hex; interval: bigint; commitment: Hex; gas?: ChunkGas },
): PlannedBatch {
  const expected = settleInterval({ ...inputs, gas });
  const batchKey = keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint64" }, { type: "bytes32" }],
      [neighbourhoodId, interval, commitment],
    ),
  );
  return {
    header: { batchKey, commitment, chunkCount: expected.chunks.length, ...expected.totals },
    chunks: expected.chunks.map((chunk) => packMeters(chunk)),
    expected,
  };
}

/** Meters in a canonical order: ascending id; a meter twice is an error. */
export function sortByMeter<T extends { meter: Hex }>(meters: readonly T[]): T[] {
  const sorted = [...meters].sort((a, b) => (BigInt(a.meter) < BigInt(b.meter) ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i].meter) === BigInt(sorted[i - 1].meter)) {
      throw new RangeError(`meter ${sorted[i].meter} appears twice in one interval`);
    }
  }
  return sorted;
}
