/**
 * A test wallet for the browser tests: `window.ethereum`, a minimal EIP-1193 provider whose requests a
 * function exposed by the test answers in Node, signing with a development account.
 */
import type { Page } from "playwright-core";
import { createWalletClient, defineChain, http, numberToHex, type Hex, type LocalAccount } from "viem";

export type WalletMode = "sign" | "reject";

type RpcAnswer = { result?: unknown; error?: { code: number; message: string; data?: unknown } };

export type TestWalletOptions = {
  chainId: number;
  /** With a chain: eth_sendTransaction is estimated there (a revert comes back with its data, as a wallet's node answers) and sent by viem's wallet client, and every other request goes to the chain. Without: those requests are refused (4200). */
  rpcUrl?: string;
  /** "reject": personal_sign is refused as a person would (4001). Asked on every request. */
  mode?: () => WalletMode;
};

/** Installs the wallet before any of the page's scripts run. */
export async function injectTestWallet(
  page: Page,
  account: LocalAccount,
  { chainId, rpcUrl, mode = () => "sign" }: TestWalletOptions,
): Promise<void> {
  const rpc = async (method: string, params: unknown[]): Promise<RpcAnswer> => {
    if (!rpcUrl) return { error: { code: 4200, message: `The test wallet does not support ${method}` } };
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const { result, error } = (await response.json()) as RpcAnswer;
    return error ? { error } : { result };
  };
  const sendTransaction = async (params: unknown[]): Promise<RpcAnswer> => {
    if (!rpcUrl) return rpc("eth_sendTransaction", params);
    const chain = defineChain({
      id: chainId,
      name: "test",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
    const tx = { ...(params[0] as { to: Hex; data?: Hex; value?: Hex }), from: account.address };
    const estimate = await rpc("eth_estimateGas", [tx]);
    if (estimate.error) return estimate;
    const hash = await wallet.sendTransaction({
      to: tx.to,
      data: tx.data,
      value: tx.value ? BigInt(tx.value) : undefined,
      gas: (BigInt(estimate.result as Hex) * 12n) / 10n,
    });
    return { result: hash };
  };
  await page.exposeFunction("__nachbarstromTestWallet", async (method: string, params: unknown[]) => {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return { result: [account.address] };
      case "eth_chainId":
        return { result: numberToHex(chainId) };
      case "personal_sign":
        if (mode() === "reject") return { error: { code: 4001, message: "User rejected the request." } };
        return { result: await account.signMessage!({ message: { raw: params[0] as Hex } }) };
      case "eth_sendTransaction":
        return sendTransaction(params);
      default:
        return rpc(method, params);
    }
  });
  // Runs in the page (a string: this project's tsconfig has no DOM types).
  await page.addInitScript(`
    window.ethereum = {
      async request({ method, params }) {
        const answer = await window.__nachbarstromTestWallet(method, params ?? []);
        if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
        return answer.result;
      },
      on() {},
      removeListener() {},
    };
  `);
}
