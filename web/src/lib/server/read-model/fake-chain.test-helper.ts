import type { Deployment } from "@nachbarstrom/core/deployment";
import {
  encodeAbiParameters,
  encodeEventTopics,
  keccak256,
  toHex,
  type Abi,
  type AbiEvent,
  type Address,
  type ContractEventName,
  type GetEventArgs,
  type Hex,
} from "viem";
import type { RawLog } from "./decode.ts";
import type { IndexerClient } from "./indexer.ts";

export const fakeDeployment: Deployment = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  deployedAtBlock: 10,
  contracts: {
    meterRegistry: "0x1000000000000000000000000000000000000001",
    creditToken: "0x1000000000000000000000000000000000000002",
    tariffSchedule: "0x1000000000000000000000000000000000000003",
    powerContracts: "0x1000000000000000000000000000000000000004",
    neighbourhoodSettlement: "0x1000000000000000000000000000000000000005",
    settlementCorrections: "0x1000000000000000000000000000000000000006",
    costCap: "0x1000000000000000000000000000000000000007",
  },
};

/** A log of `eventName` with `args`, encoded as a node returns it (indexed arguments in topics). */
export function rawLog<const abi extends Abi, name extends ContractEventName<abi>>(
  address: Address,
  abi: abi,
  eventName: name,
  args: GetEventArgs<abi, name, { EnableUnion: false; IndexedOnly: false; Required: true }>,
  blockNumber: bigint,
  logIndex = 0,
): RawLog {
  const item = abi.find((x): x is AbiEvent => x.type === "event" && x.name === eventName);
  if (!item) throw new Error(`no event ${eventName}`);
  const values = args as Record<string, unknown>;
  const data = item.inputs.filter((input) => !input.indexed);
  return {
    address,
    topics: encodeEventTopics({ abi: [item], eventName: item.name, args: values } as never) as RawLog["topics"],
    data: encodeAbiParameters(
      data,
      data.map((input) => values[input.name!]),
    ),
    blockNumber,
    logIndex,
    transactionHash: keccak256(toHex(`tx-${blockNumber}-${logIndex}`)),
  };
}

/**
 * A chain for the indexer: logs by block, a head that tests move, block hashes that change with the
 * chain's `generation` (a restarted chain), and a record of every getLogs range asked for.
 */
export function fakeChain(head = 10n) {
  const state = { head, generation: 0, logs: [] as RawLog[], ranges: [] as [bigint, bigint][] };
  const client: IndexerClient = {
    getBlockNumber: async () => state.head,
    getBlockHash: async (block) =>
      block <= state.head ? keccak256(toHex(`block-${state.generation}-${block}`)) : undefined,
    // Twelve seconds a block from the start of interval 100.
    getBlockTimestamp: async (block) => 90_000n + block * 12n,
    getLogs: async ({ address, fromBlock, toBlock }) => {
      state.ranges.push([fromBlock, toBlock]);
      const wanted = new Set(address.map((a) => a.toLowerCase()));
      return state.logs
        .filter((l) => l.blockNumber >= fromBlock && l.blockNumber <= toBlock && wanted.has(l.address.toLowerCase()))
        .sort((a, b) =>
          a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
        );
    },
  };
  return { state, client };
}

export function hex32(byte: number): Hex {
  return `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
}
