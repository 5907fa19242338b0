import { encodeAbiParameters, keccak256, type Hex, type PublicClient } from "viem";
import { meterRegistryAbi, powerContractsAbi, tariffScheduleAbi } from "./abi.ts";
import type { Deployment } from "./deployment.ts";
import {
  MAX_CHUNK,
  settleInterval,
  type AllocationKey,
  type MeterEnergy,
  type SettlementContract,
  type SettlementMeter,
} from "./settlement.ts";
import type { Tariff } from "./tariff.ts";

const ACTIVE = 2; // IPowerContracts.Status.Active

export type SettlementInputs = {
  tariff: Tariff;
  allocationKey: AllocationKey;
  meters: SettlementMeter[];
  contracts: SettlementContract[];
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
        ...m,
        maxBuyPrice: record.maxBuyPrice,
        minSellPrice: record.minSellPrice,
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
    if (c.status === ACTIVE && c.validFrom <= interval && interval < c.validUntil) {
      contracts.push({
        id: contractIds[k],
        seller: c.seller,
        buyer: c.buyer,
        pricePerKwh: c.pricePerKwh,
        capWh: c.capWh,
      });
    }
  });
  return {
    tariff,
    allocationKey: neighbourhood.allocationKey === 1 ? "staticShares" : "proRata",
    meters: withPreferences,
    contracts,
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

export type PlannedBatch = { header: BatchHeader; chunks: MeterEnergy[][] };

/**
 * Cuts an interval's meters into chunks (ascending id) and computes the header's pool totals with the
 * reference settlement. The batch key is derived from neighbourhood, interval and commitment, so the
 * same raw readings always give the same key and a resubmission is recognised as one.
 */
export function planBatch(
  inputs: SettlementInputs,
  {
    neighbourhoodId,
    interval,
    commitment,
    chunkSize = MAX_CHUNK,
  }: { neighbourhoodId: Hex; interval: bigint; commitment: Hex; chunkSize?: number },
): PlannedBatch {
  const result = settleInterval({ ...inputs, chunkSize });
  const batchKey = keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint64" }, { type: "bytes32" }],
      [neighbourhoodId, interval, commitment],
    ),
  );
  return {
    header: { batchKey, commitment, chunkCount: result.chunks.length, ...result.totals },
    chunks: result.chunks.map((chunk) => chunk.map(({ meter, importWh, exportWh }) => ({ meter, importWh, exportWh }))),
  };
}
