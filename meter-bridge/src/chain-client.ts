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
  TransactionReceiptNotFoundError,
  defineChain,
  encodeFunctionData,
  http,
  keccak256,
  toBytes,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { IntervalAlreadySettledError, SettlementFailedError } from "./errors.ts";
import { faultPoint } from "./fault-points.ts";
import type { SettleHooks, SettlementPort } from "./submit.ts";

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
/** How nodes answer a transaction they hold already (Hardhat, anvil, geth, Besu). */
const KNOWN_TRANSACTION = /already known|already imported|known transaction/i;
/** How nodes answer a transaction whose nonce is used: mined before, or replaced. */
const NONCE_USED = /nonce too low|nonce is too low/i;
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

  /**
   * Signs the call, hands it to onSigned (which stores it), then broadcasts it. The nonce is the
   * account's next one counting its pending transactions; the settler broadcasts stored ones first.
   */
  async function signAndSend(to: Address, data: Hex, hooks: SettleHooks | undefined): Promise<Hex> {
    const prepared = await walletClient.prepareTransactionRequest({ account, chain, to, data });
    const raw = await walletClient.signTransaction(prepared);
    const hash = keccak256(raw);
    await hooks?.onSigned?.({ hash, raw, nonce: prepared.nonce });
    await walletClient.sendRawTransaction({ serializedTransaction: raw });
    faultPoint("after-broadcast", hash);
    return hash;
  }

  async function mustSucceed(hash: Hex, what: string): Promise<void> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: receiptTimeoutMs });
    if (receipt.status !== "success") {
      throw new SettlementFailedError(`${what} reverted`, { details: `transaction ${hash}` });
    }
  }

  /** Credits the cost cap of `month` for every meter of the neighbourhood, in transactions of 500 meters. */
  async function closeMonth(neighbourhoodId: Hex, month: number, hooks: SettleHooks | undefined): Promise<void> {
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
      const call = {
        account,
        address: deployment.contracts.costCap,
        abi: costCapAbi,
        functionName: "closeMonth",
        args: [neighbourhoodId, month, numbers.slice(i, i + CLOSE_MONTH_BATCH)],
      } as const;
      await publicClient.simulateContract(call);
      const hash = await signAndSend(call.address, encodeFunctionData(call), hooks);
      await mustSucceed(hash, `closing billing month ${month} of ${neighbourhoodId}`);
    }
  }

  return {
    account: account.address,
    rpcUrl,
    async settle(batch, hooks) {
      const record = await this.settledRecord(batch.neighbourhoodId, batch.interval);
      if (record.settledAt > 0n) {
        throw new IntervalAlreadySettledError(`Interval ${batch.interval} of ${batch.neighbourhood} has settled`);
      }
      // Tariff, preferences and power contracts come from the chain; the header's pool totals from
      // the reference settlement. Chunks go in order, each mined before the next is simulated; a chunk
      // already on chain (sent before a crash) is skipped.
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
        if (hash) await mustSucceed(hash, `chunk ${index - 1} of interval ${batch.interval}`);
        const [contentHash] = await publicClient.readContract({
          address,
          abi: neighbourhoodSettlementAbi,
          functionName: "chunkOf",
          args: [batch.neighbourhoodId, batch.interval, index],
        });
        if (BigInt(contentHash) !== 0n) continue;
        const call = {
          account,
          address,
          abi: neighbourhoodSettlementAbi,
          functionName: "settleChunk",
          args: [batch.neighbourhoodId, batch.interval, header, index, meters],
        } as const;
        await publicClient.simulateContract(call);
        hash = await signAndSend(address, encodeFunctionData(call), hooks);
      }
      if (!hash) throw new SettlementFailedError(`interval ${batch.interval} has no chunk left to settle`);
      return hash;
    },
    async afterSettled(batch, hooks) {
      // The first interval of a month closes the previous one under the cost cap. Closing is
      // idempotent, so after a crash it is simply done again.
      const month = monthClosedBy(batch.interval);
      if (month === undefined) return;
      const { costCap } = await publicClient.readContract({
        address: deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "neighbourhoodOf",
        args: [batch.neighbourhoodId],
      });
      if (costCap) await closeMonth(batch.neighbourhoodId, month, hooks);
    },
    async rebroadcast({ hash, raw }) {
      try {
        await walletClient.sendRawTransaction({ serializedTransaction: raw });
        return "sent";
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!KNOWN_TRANSACTION.test(message) && !NONCE_USED.test(message)) throw error;
        const receipt = await publicClient.getTransactionReceipt({ hash }).catch((cause: unknown) => {
          if (cause instanceof TransactionReceiptNotFoundError) return undefined;
          throw cause;
        });
        if (receipt) return "mined";
        return NONCE_USED.test(message) ? "stale" : "sent";
      }
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
