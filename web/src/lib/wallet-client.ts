import { connect, createConfig, disconnect, getAccount, injected, sendTransaction, signMessage } from "@wagmi/core";
import { BaseError, custom, defineChain, type EIP1193Provider, type Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import type { MessageKey } from "./i18n/messages.ts";
import { postJson } from "./post-json.ts";

/** The outcome of a wallet sign-in in the browser: where to go next, or which message to show. */
export type WalletOutcome = { ok: true; location: string } | { ok: false; message: MessageKey };

/** What /signin/wallet/nonce answers: the nonce and what the message must name. */
type NonceAnswer = {
  nonce: string;
  domain: string;
  uri: string;
  chainId: number;
  issuedAt: string;
  expirationTime: string;
};

/** The message of a problem the server names (`wallet.error.*`). */
async function problemOf(response: Response): Promise<WalletOutcome> {
  const body = (await response.json().catch(() => ({}))) as { problem?: string };
  return { ok: false, message: (body.problem ?? "wallet.error.network") as MessageKey };
}

/** The wallet's refusal (EIP-1193 code 4001) or absence, as a message. */
function walletProblem(cause: unknown): WalletOutcome {
  const rejected = (e: unknown) =>
    (e as { code?: unknown }).code === 4001 || (e as { name?: unknown }).name === "UserRejectedRequestError";
  if (cause instanceof BaseError ? cause.walk(rejected) : rejected(cause ?? {})) {
    return { ok: false, message: "wallet.error.rejected" };
  }
  if ((cause as { name?: unknown })?.name === "ProviderNotFoundError") {
    return { ok: false, message: "wallet.error.no-wallet" };
  }
  return { ok: false, message: "wallet.error.browser" };
}

/**
 * The wagmi config for one sign-in or transaction: the injected wallet (window.ethereum) only, on the
 * deployment's chain. The portal offers the browser no RPC: signing goes to the wallet alone, and a
 * transaction's receipt is read through the wallet's own node (`rpc: "wallet"`).
 */
function walletConfig(chainId: number, rpc: "none" | "wallet" = "none") {
  const chain = defineChain({
    id: chainId,
    name: "Nachbarstrom",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  return createConfig({
    chains: [chain],
    connectors: [injected({ shimDisconnect: false })],
    multiInjectedProviderDiscovery: false,
    storage: null,
    transports: {
      [chain.id]:
        rpc === "wallet"
          ? custom((window as unknown as { ethereum: EIP1193Provider }).ethereum)
          : custom({ request: () => Promise.reject(new Error("the portal offers no RPC")) }),
    },
  });
}

/** Whether the page has an injected wallet (EIP-1193 `window.ethereum`). */
export function hasInjectedWallet(): boolean {
  return typeof window !== "undefined" && "ethereum" in window && Boolean((window as { ethereum?: unknown }).ethereum);
}

/**
 * Signs in with the household's own wallet (EIP-4361, Sign-In with Ethereum): a nonce from the
 * portal, the wallet's account, a message built with viem's createSiweMessage, the wallet's signature,
 * and the portal's check, which starts the session. `statement` is the line the wallet shows (one line).
 */
export async function signInWithWallet(next: string | undefined, statement: string): Promise<WalletOutcome> {
  if (!hasInjectedWallet()) return { ok: false, message: "wallet.error.no-wallet" };
  let response: Response;
  let nonce: NonceAnswer;
  try {
    response = await postJson("/signin/wallet/nonce", {});
    if (!response.ok) return await problemOf(response);
    nonce = (await response.json()) as NonceAnswer;
  } catch {
    return { ok: false, message: "wallet.error.network" };
  }
  const config = walletConfig(nonce.chainId);
  let message: string;
  let signature: string;
  try {
    const connector = config.connectors[0];
    await connect(config, { connector });
    const { address } = getAccount(config);
    if (!address) return { ok: false, message: "wallet.error.no-account" };
    message = createSiweMessage({
      address,
      domain: nonce.domain,
      uri: nonce.uri,
      chainId: nonce.chainId,
      version: "1",
      nonce: nonce.nonce,
      // The server's clock, so a wallet's drifting clock cannot make the message look stale.
      issuedAt: new Date(nonce.issuedAt),
      expirationTime: new Date(nonce.expirationTime),
      statement,
    });
    signature = await signMessage(config, { account: address, message });
  } catch (cause) {
    return walletProblem(cause);
  } finally {
    await disconnect(config).catch(() => {});
  }
  try {
    response = await postJson("/signin/wallet/verify", { message, signature, next });
    if (!response.ok) return await problemOf(response);
    const { location } = (await response.json()) as { location: string };
    return { ok: true, location };
  } catch {
    return { ok: false, message: "wallet.error.network" };
  }
}

/**
 * Sends a transaction the portal prepared (an action, server/actions/prepare.ts) from the user's own
 * wallet: exactly `to` and `data`, through the injected connector. Answers the hash once the wallet
 * has sent it; the portal waits for it to be mined.
 */
export async function sendPreparedTransaction({
  chainId,
  to,
  data,
}: {
  chainId: number;
  to: Hex;
  data: Hex;
}): Promise<{ ok: true; hash: Hex } | { ok: false; message: MessageKey }> {
  if (!hasInjectedWallet()) return { ok: false, message: "wallet.error.no-wallet" };
  const config = walletConfig(chainId, "wallet");
  try {
    await connect(config, { connector: config.connectors[0] });
    const { address: account } = getAccount(config);
    if (!account) return { ok: false, message: "wallet.error.no-account" };
    return { ok: true, hash: await sendTransaction(config, { account, chainId, to, data }) };
  } catch (cause) {
    return walletProblem(cause) as { ok: false; message: MessageKey };
  } finally {
    await disconnect(config).catch(() => {});
  }
}
