import { createWalletClient, defineChain, http, type Address, type Hex, type TransactionReceipt } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ChainContext } from "../chain.ts";
import { decryptPrivateKey } from "../auth/custody.ts";
import { sql } from "@nachbarstrom/core/database";
import type { AccountsStore } from "../auth/store.ts";
import { ActionError } from "./errors.ts";

/** How long the portal waits for a transaction to be mined before it reports the hash as pending. */
export const RECEIPT_TIMEOUT_MS = 60_000;

/**
 * Per account, the last transaction being signed: one at a time, so two actions never share a nonce.
 * Within this process by a queue; across portal processes on PostgreSQL by a lock on the account held
 * while the transaction is signed and sent (`acrossProcesses`).
 */
const queues = new Map<string, Promise<unknown>>();

async function acrossProcesses<T>(store: AccountsStore, account: Address, task: () => Promise<T>): Promise<T> {
  if (store.dialect !== "postgres") return task();
  const key = `nachbarstrom.send.${account.toLowerCase()}`;
  // A session lock lives on one connection: it is taken and given back on the same one.
  return store.db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(hashtext(${key}))`.execute(connection);
    try {
      return await task();
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(connection);
    }
  });
}

function serialised<T>(account: Address, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(account) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(task);
  queues.set(account, next);
  void next.finally(() => {
    if (queues.get(account) === next) queues.delete(account);
  });
  return next;
}

/**
 * Signs and sends a transaction from an account whose key the portal holds (custody 'server'): the
 * key is decrypted only for this, never leaves the process and is not kept. Answers the hash.
 */
export async function sendWithHeldKey(
  store: AccountsStore,
  chain: ChainContext,
  { account, to, data, encryptionKey }: { account: Address; to: Address; data: Hex; encryptionKey: Buffer },
): Promise<Hex> {
  const row = await store.prepare("SELECT custody, encrypted_key FROM accounts WHERE address = ?").get(account);
  if (!row || row.custody !== "server" || typeof row.encrypted_key !== "string") {
    throw new ActionError("unknown", { details: `the portal holds no key for ${account}` });
  }
  const signer = privateKeyToAccount(decryptPrivateKey(encryptionKey, account, row.encrypted_key as string));
  const wallet = createWalletClient({
    account: signer,
    chain: defineChain({
      id: chain.deployment.chainId,
      name: "Nachbarstrom",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.deployment.rpcUrl] } },
    }),
    transport: http(chain.deployment.rpcUrl, { timeout: 10_000, retryCount: 0 }),
  });
  return serialised(account, () =>
    acrossProcesses(store, account, async () => {
      try {
        return await wallet.sendTransaction({ to, data });
      } catch (cause) {
        throw new ActionError("chain", { details: `sending from ${account} to ${to}`, cause });
      }
    }),
  );
}

/** Waits for the transaction's receipt; undefined when it is not mined within RECEIPT_TIMEOUT_MS. */
export async function waitForReceipt(chain: ChainContext, hash: Hex): Promise<TransactionReceipt | undefined> {
  try {
    return await chain.client.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS, pollingInterval: 250 });
  } catch {
    return undefined;
  }
}
