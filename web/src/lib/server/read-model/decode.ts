import {
  costCapAbi,
  creditTokenAbi,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  powerContractsAbi,
  settlementCorrectionsAbi,
  tariffScheduleAbi,
} from "@nachbarstrom/core/abi";
import type { Deployment } from "@nachbarstrom/core/deployment";
import { decodeChunkResults, type ChunkResult } from "@nachbarstrom/core/packed";
import { AbiEventSignatureNotFoundError, decodeEventLog, type Abi, type Address, type Hex } from "viem";
import { ReadModelError } from "./errors.ts";

/** A log as eth_getLogs returns it for a mined block. */
export type RawLog = {
  address: Address;
  data: Hex;
  topics: [Hex, ...Hex[]] | [];
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
};

/** Where an event was emitted. */
export type LogPosition = { blockNumber: bigint; logIndex: number; transactionHash: Hex };

export type TariffFields = {
  gridEnergy: bigint;
  gridFee: bigint;
  localGridFee: bigint;
  electricityTax: bigint;
  concessionFee: bigint;
  levies: bigint;
  feedInPrice: bigint;
  communityPrice: bigint;
  vatBasisPoints: number;
};

/** The events the read model keeps, decoded; `ChunkSettled` with its results unpacked. */
export type IndexedEvent = LogPosition &
  (
    | {
        kind: "NeighbourhoodRegistered";
        neighbourhood: Hex;
        allocationKey: number;
        tariffNoticeIntervals: number;
        contractNoticeIntervals: number;
        costCap: boolean;
      }
    | { kind: "ParticipantRegistered"; account: Address; number: number }
    | { kind: "MeterRegistered"; meter: Hex; neighbourhood: Hex; owner: Address; number: number }
    | { kind: "MeterRetired"; meter: Hex }
    | { kind: "MeterReplaced"; oldMeter: Hex; newMeter: Hex }
    | {
        kind: "IntervalSettled";
        neighbourhood: Hex;
        interval: bigint;
        commitment: Hex;
        batchKey: Hex;
        meterCount: number;
        importWh: bigint;
        exportWh: bigint;
        localWh: bigint;
      }
    | { kind: "ChunkSettled"; neighbourhood: Hex; interval: bigint; chunk: number; results: ChunkResult[] }
    | {
        kind: "MeterCorrected";
        neighbourhood: Hex;
        interval: bigint;
        number: number;
        importWh: number;
        exportWh: number;
        debit: bigint;
        credit: bigint;
        change: bigint;
        reason: string;
      }
    | { kind: "TariffAnnounced"; neighbourhood: Hex; effectiveFrom: bigint; tariff: TariffFields }
    | { kind: "ToppedUp"; account: Address; amount: bigint; repaid: bigint }
    | { kind: "PaidOut"; account: Address; amount: bigint }
    | {
        kind: "PowerContractOffered";
        id: bigint;
        neighbourhood: Hex;
        seller: Hex;
        buyer: Hex;
        sellerNumber: number;
        buyerNumber: number;
        pricePerKwh: number;
        capWh: number;
        validFrom: bigint;
        validUntil: bigint;
      }
    /** Accepting moves validFrom to the interval after the acceptance's block (write.ts). */
    | { kind: "PowerContractAccepted"; id: bigint }
    | { kind: "PowerContractEnded"; id: bigint; validUntil: bigint }
    | {
        kind: "CostCapCredited";
        neighbourhood: Hex;
        month: number;
        number: number;
        paid: bigint;
        gridOnly: bigint;
        credited: bigint;
      }
  );

/** The contracts whose events the read model follows, as one eth_getLogs address filter. */
export function indexedAddresses({ contracts }: Deployment): Address[] {
  return [
    contracts.meterRegistry,
    contracts.creditToken,
    contracts.tariffSchedule,
    contracts.powerContracts,
    contracts.neighbourhoodSettlement,
    contracts.settlementCorrections,
    contracts.costCap,
  ];
}

/**
 * Decodes the logs of the deployment's contracts into the events the read model keeps, in the order
 * given (eth_getLogs returns chain order). Other events of those contracts (roles, pausing,
 * preferences) and logs of other addresses are skipped; a kept event that does not decode
 * is an error that names the log.
 */
export function decodeLogs(logs: readonly RawLog[], deployment: Deployment): IndexedEvent[] {
  const { contracts } = deployment;
  const byAddress = new Map<string, (log: RawLog) => IndexedEvent | undefined>([
    [contracts.meterRegistry.toLowerCase(), registryEvent],
    [contracts.creditToken.toLowerCase(), creditEvent],
    [contracts.tariffSchedule.toLowerCase(), tariffEvent],
    [contracts.powerContracts.toLowerCase(), powerContractEvent],
    [contracts.neighbourhoodSettlement.toLowerCase(), settlementEvent],
    [contracts.settlementCorrections.toLowerCase(), correctionEvent],
    [contracts.costCap.toLowerCase(), costCapEvent],
  ]);
  return logs.flatMap((log) => {
    const decode = byAddress.get(log.address.toLowerCase());
    if (!decode) return [];
    try {
      const event = decode(log);
      return event ? [event] : [];
    } catch (cause) {
      if (cause instanceof AbiEventSignatureNotFoundError) return [];
      throw new ReadModelError("A contract event could not be decoded", {
        details: `log ${log.logIndex} of block ${log.blockNumber} (transaction ${log.transactionHash}, contract ${log.address}): ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`,
        cause,
      });
    }
  });
}

function decoded<const abi extends Abi>(abi: abi, log: RawLog) {
  return decodeEventLog({ abi, data: log.data, topics: log.topics, strict: true });
}

function at({ blockNumber, logIndex, transactionHash }: RawLog): LogPosition {
  return { blockNumber, logIndex, transactionHash };
}

function registryEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(meterRegistryAbi, log);
  switch (event.eventName) {
    case "NeighbourhoodRegistered": {
      const { neighbourhood, config } = event.args;
      return {
        kind: "NeighbourhoodRegistered",
        neighbourhood,
        allocationKey: config.allocationKey,
        tariffNoticeIntervals: config.tariffNoticeIntervals,
        contractNoticeIntervals: config.contractNoticeIntervals,
        costCap: config.costCap,
        ...at(log),
      };
    }
    case "ParticipantRegistered":
      return { kind: "ParticipantRegistered", ...event.args, ...at(log) };
    case "MeterRegistered":
      return { kind: "MeterRegistered", ...event.args, ...at(log) };
    case "MeterRetired":
      return { kind: "MeterRetired", ...event.args, ...at(log) };
    case "MeterReplaced":
      return { kind: "MeterReplaced", ...event.args, ...at(log) };
    default:
      return undefined;
  }
}

function creditEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(creditTokenAbi, log);
  switch (event.eventName) {
    case "ToppedUp":
      return { kind: "ToppedUp", ...event.args, ...at(log) };
    case "PaidOut":
      return { kind: "PaidOut", ...event.args, ...at(log) };
    default:
      return undefined;
  }
}

function tariffEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(tariffScheduleAbi, log);
  if (event.eventName !== "TariffAnnounced") return undefined;
  const { neighbourhood, effectiveFrom, tariff } = event.args;
  return { kind: "TariffAnnounced", neighbourhood, effectiveFrom, tariff: { ...tariff }, ...at(log) };
}

function powerContractEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(powerContractsAbi, log);
  switch (event.eventName) {
    case "PowerContractOffered": {
      const { id, terms } = event.args;
      return {
        kind: "PowerContractOffered",
        id,
        neighbourhood: terms.neighbourhood,
        seller: terms.seller,
        buyer: terms.buyer,
        sellerNumber: terms.sellerNumber,
        buyerNumber: terms.buyerNumber,
        pricePerKwh: terms.pricePerKwh,
        capWh: terms.capWh,
        validFrom: BigInt(terms.validFrom),
        validUntil: BigInt(terms.validUntil),
        ...at(log),
      };
    }
    case "PowerContractAccepted":
      return { kind: "PowerContractAccepted", id: event.args.id, ...at(log) };
    case "PowerContractEnded":
      return { kind: "PowerContractEnded", id: event.args.id, validUntil: event.args.validUntil, ...at(log) };
    default:
      return undefined;
  }
}

function settlementEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(neighbourhoodSettlementAbi, log);
  switch (event.eventName) {
    case "IntervalSettled":
      return { kind: "IntervalSettled", ...event.args, ...at(log) };
    case "ChunkSettled": {
      const { neighbourhood, interval, chunk, results } = event.args;
      return {
        kind: "ChunkSettled",
        neighbourhood,
        interval,
        chunk,
        results: decodeChunkResults(results),
        ...at(log),
      };
    }
    default:
      return undefined;
  }
}

function correctionEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(settlementCorrectionsAbi, log);
  if (event.eventName !== "MeterCorrected") return undefined;
  return { kind: "MeterCorrected", ...event.args, ...at(log) };
}

function costCapEvent(log: RawLog): IndexedEvent | undefined {
  const event = decoded(costCapAbi, log);
  if (event.eventName !== "CostCapCredited") return undefined;
  return { kind: "CostCapCredited", ...event.args, ...at(log) };
}
