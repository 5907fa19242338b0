import {
  costCapAbi,
  meterRegistryAbi,
  monthClosedBy,
  neighbourhoodSettlementAbi,
  planBatch,
  readSettlementInputs,
  type Deployment,
} from "@nachbarstrom/core";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  toBytes,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { SettlementFailedError } from "./errors.ts";
import type { SettlementPort } from "./submit.ts";

export type CreateSettlementPortParameters = {
  deployment: Deployment;
  /** The bridge account's key; it must hold the bridge role on the settlement contract. */
  privateKey: Hex;
  /** Overrides deployment.rpcUrl, e.g. when the bridge reaches the chain by another address. */
  rpcUrl?: string;
  /** How often to poll for a receipt. */
  pollingIntervalMs?: number;
  /** How long to wait for a receipt before trying again. */
  receiptTimeoutMs?: number;
};

export type ChainHealth = { chainId: number; account: Address; hasBridgeRole: boolean };

export type ChainSettlementPort = SettlementPort & {
  account: Address;
  rpcUrl: string;
  /** Checks the chain id against the deployment and that the account holds the bridge role. */
  health(): Promise<ChainHealth>;
};

const BRIDGE_ROLE = keccak256(toBytes("nachbarstrom.role.bridge"));
/** Meters per closeMonth transaction: about 15,000 gas each keeps it far below a block. */
const CLOSE_MONTH_BATCH = 500;

/** The settlement contract through viem: a wallet client with the bridge's local account. */
export function createSettlementPort({
  deployment,
  privateKey,
  rpcUrl = deployment.rpcUrl,
  pollingIntervalMs = 500,
  receiptTimeoutMs = 60_000,
}: CreateSettlementPortParameters): ChainSettlementPort {
  const account = privateKeyToAccount(privateKey);
  const chain = defineChain({
    id: deployment.chainId,
    name: "Nachbarstrom",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // The submitter retries on its own schedule; viem's transport retries would only delay it.
  const transport = http(rpcUrl, { retryCount: 0, timeout: 10_000 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: pollingIntervalMs });
  const walletClient = createWalletClient({ account, chain, transport });
  const address = deployment.contracts.neighbourhoodSettlement;

  /** Credits the cost cap of `month` for every meter of the neighbourhood, in transactions of 500 meters. */
  async function closeMonth(neighbourhoodId: Hex, month: number): Promise<void> {
    const registry = deployment.contracts.meterRegistry;
    const ids = await publicClient.readContract({
      address: registry,
      abi: meterRegistryAbi,
      functionName: "metersIn",
      args: [neighbourhoodId],
    });
    const numbers = await Promise.all(
      ids.map(
        async (id) =>
          (
            await publicClient.readContract({
              address: registry,
              abi: meterRegistryAbi,
              functionName: "meterOf",
              args: [id],
            })
          ).number,
      ),
    );
    for (let i = 0; i < numbers.length; i += CLOSE_MONTH_BATCH) {
      const { request } = await publicClient.simulateContract({
        account,
        address: deployment.contracts.costCap,
        abi: costCapAbi,
        functionName: "closeMonth",
        args: [neighbourhoodId, month, numbers.slice(i, i + CLOSE_MONTH_BATCH)],
      });
      await walletClient.writeContract(request);
    }
  }

  return {
    account: account.address,
    rpcUrl,
    async settle(batch) {
      // Tariff, preferences and power contracts come from the chain; the header's pool totals from
      // the reference settlement. Chunks go in order; a chunk already in is a no-op on chain.
      const inputs = await readSettlementInputs({
        client: publicClient,
        deployment,
        neighbourhoodId: batch.neighbourhoodId,
        interval: batch.interval,
        meters: batch.meters,
      });
      const { header, chunks } = planBatch(inputs, batch);
      let hash: Hex | undefined;
      for (const [index, meters] of chunks.entries()) {
        if (hash) {
          const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: receiptTimeoutMs });
          if (receipt.status !== "success") {
            throw new SettlementFailedError(`chunk ${index - 1} of interval ${batch.interval} reverted`, {
              details: `transaction ${hash}; the later chunks were not sent`,
            });
          }
        }
        const { request } = await publicClient.simulateContract({
          account,
          address,
          abi: neighbourhoodSettlementAbi,
          functionName: "settleChunk",
          args: [batch.neighbourhoodId, batch.interval, header, index, meters],
        });
        hash = await walletClient.writeContract(request);
      }
      if (!hash) throw new SettlementFailedError(`interval ${batch.interval} has no meters to settle`);
      // The first interval of a month closes the previous one under the cost cap. Sent after the chunks,
      // so it is mined after them; closing is idempotent, so a retry of this batch may send it again.
      const month = monthClosedBy(batch.interval);
      if (inputs.costCap && month !== undefined) await closeMonth(batch.neighbourhoodId, month);
      return hash;
    },
    async waitForReceipt(hash) {
      const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: receiptTimeoutMs });
      return { status: receipt.status, blockNumber: receipt.blockNumber };
    },
    async settledRecord(neighbourhoodId, interval) {
      const record = await publicClient.readContract({
        address,
        abi: neighbourhoodSettlementAbi,
        functionName: "intervalOf",
        args: [neighbourhoodId, interval],
      });
      return { settledAt: record.settledAt, commitment: record.commitment };
    },
    async findSettlement(neighbourhoodId, interval) {
      const logs = await publicClient.getContractEvents({
        address,
        abi: neighbourhoodSettlementAbi,
        eventName: "IntervalSettled",
        args: { neighbourhood: neighbourhoodId, interval },
        fromBlock: BigInt(deployment.deployedAtBlock),
        toBlock: "latest",
      });
      return logs[0]?.transactionHash ?? undefined;
    },
    async health() {
      const [chainId, hasBridgeRole] = await Promise.all([
        publicClient.getChainId(),
        publicClient.readContract({
          address,
          abi: neighbourhoodSettlementAbi,
          functionName: "hasRole",
          args: [BRIDGE_ROLE, account.address],
        }),
      ]);
      return { chainId, account: account.address, hasBridgeRole };
    },
  };
}
