/**
 * Announcing a tariff from the operator console on the real stack in headless Chromium: the operator
 * signs in with their own wallet (SIWE) and the same wallet signs TariffSchedule.announceTariff in the
 * browser; the portal only checks the proposal. The test wallet is an EIP-1193 stub injected into the
 * page that signs in Node with a WELL-KNOWN development key (index 0) and passes reads to the stack's
 * chain. The chain must hold the tariff, the history must show it as announced, a bad field gets its
 * error next to it, the form passes axe in German and English, and a household gets 403.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  numberToHex,
  type Hex,
  type LocalAccount,
} from "viem";
import { DEV_ACCOUNT_INDEX, devAccount, intervalOf, tariffScheduleAbi } from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { dayOf, dayRange, shiftDay } from "../../web/src/lib/server/statements/calendar.ts";
import { gotoHydrated, launchChromium } from "./browser.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

type RpcAnswer = { result?: unknown; error?: { code: number; message: string; data?: unknown } };

/**
 * Injects `window.ethereum`: accounts, chain id and personal_sign answered by `account`;
 * eth_sendTransaction estimated on the chain (a revert comes back with its data, as a wallet's node
 * answers) and then signed and sent by viem's wallet client; every other request goes to the chain.
 */
async function injectWallet(page: Page, account: LocalAccount, stack: TestStack) {
  const { chainId, rpcUrl } = stack.deployment;
  const chain = defineChain({
    id: chainId,
    name: "test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
  const rpc = async (method: string, params: unknown[]): Promise<RpcAnswer> => {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const { result, error } = (await response.json()) as RpcAnswer;
    return error ? { error } : { result };
  };
  await page.exposeFunction("__nachbarstromTestWallet", async (method: string, params: unknown[]) => {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return { result: [account.address] };
      case "eth_chainId":
        return { result: numberToHex(chainId) };
      case "personal_sign":
        return { result: await account.signMessage!({ message: { raw: params[0] as Hex } }) };
      case "eth_sendTransaction": {
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
      }
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

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("the operator announces a tariff with their own wallet", () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let hood: Hex;
  // WELL-KNOWN LOCAL DEVELOPMENT KEY: the demo's operator.
  const operator = devAccount(DEV_ACCOUNT_INDEX.admin);
  const tariffsPage = (lang: string) => `${stack.urls.portal}/operator/tariffs?lang=${lang}`;

  before(async () => {
    stack = await startTestStack("e2e-announce");
    hood = stack.directory.neighbourhoods[0].id as Hex;
    browser = await launchChromium();
    const context = await browser.newContext();
    page = await context.newPage();
    await injectWallet(page, operator, stack);
    await gotoHydrated(page, `${stack.urls.portal}/signin?lang=en`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/operator", { timeout: 15_000 }),
      page.getByTestId("wallet-signin").click(),
    ]);
  });

  after(async () => {
    await browser?.close();
    await stopTestStack(stack);
  });

  it("shows the form to the operator, passing axe in German and English", async () => {
    for (const lang of ["de", "en"]) {
      await page.goto(tariffsPage(lang));
      await page.getByTestId("announce-form").waitFor();
      assert.deepEqual(await axeViolations(page), [], `/operator/tariffs (${lang})`);
    }
  });

  it("shows a refused field's error next to the field, naming the value", async () => {
    await gotoHydrated(page, tariffsPage("en"));
    await page.getByLabel("Energy (ct/kWh)", { exact: true }).fill("16,6 ct");
    await page.getByLabel("Effective from (day, German time)").fill(shiftDay(dayOf(intervalOf(Date.now() / 1000)), 2));
    await page.getByRole("button", { name: "Check and sign with your wallet" }).click();
    const error = page.locator('[data-testid="field-error"][data-field="gridEnergy"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.innerText(), /16,6 ct/);
    const input = page.locator("#announce-gridEnergy");
    assert.equal(await input.getAttribute("aria-invalid"), "true");
    assert.match((await input.getAttribute("aria-describedby")) ?? "", /announce-gridEnergy-error/);
    assert.equal(await page.evaluate("document.activeElement?.id"), "announce-gridEnergy", "focus on the field");
    assert.equal(await page.getByTestId("announce-status").getAttribute("data-state"), "error");
    assert.deepEqual(await axeViolations(page), [], "/operator/tariffs with an error (en)");
  });

  it("sends announceTariff from the wallet: the chain holds the tariff and the history shows it as announced", async () => {
    const day = shiftDay(dayOf(intervalOf(Date.now() / 1000)), 2);
    const effectiveFrom = dayRange(day).from;
    await gotoHydrated(page, tariffsPage("en"));
    await page.getByLabel("Neighbourhood", { exact: true }).selectOption(hood);
    await page.getByLabel("Energy (ct/kWh)", { exact: true }).fill("17.5");
    await page.getByLabel("Effective from (day, German time)").fill(day);
    await page.getByRole("button", { name: "Check and sign with your wallet" }).click();
    const status = page.getByTestId("announce-status");
    await page.locator('[data-testid="announce-status"]:is([data-state="success"], [data-state="error"])').waitFor({
      timeout: 30_000,
    });
    assert.equal(await status.getAttribute("data-state"), "success", await status.innerText());
    assert.equal(await status.getAttribute("aria-live"), "polite");

    const chain = createPublicClient({ transport: http(stack.deployment.rpcUrl) });
    const history = await chain.readContract({
      address: stack.deployment.contracts.tariffSchedule,
      abi: tariffScheduleAbi,
      functionName: "tariffHistory",
      args: [hood],
    });
    const newest = history[history.length - 1];
    assert.equal(newest.effectiveFrom, effectiveFrom);
    assert.equal(newest.tariff.gridEnergy, 175_000n);
    assert.equal(newest.tariff.vatBasisPoints, history[0].tariff.vatBasisPoints);

    const row = page.locator(`[data-testid="tariff-row"][data-effective="${effectiveFrom}"]`);
    await waitFor("the announced tariff in the history", async () => {
      await gotoHydrated(page, tariffsPage("en"));
      return (await row.count()) === 1;
    });
    assert.equal(await row.getAttribute("data-state"), "announced");
    assert.equal(await row.getAttribute("data-grid-energy"), "175000");
  });

  it("refuses the form's endpoint and page to a household (403)", async () => {
    const context = await browser.newContext();
    const household = await context.newPage();
    try {
      await signInAs(context, household, stack, stack.invitations[1].account);
      const response = await context.request.post(`${stack.urls.portal}/operator/tariffs/announce`, {
        headers: { origin: new URL(stack.urls.portal).origin, "content-type": "application/json" },
        data: JSON.stringify({ neighbourhood: hood }),
      });
      assert.equal(response.status(), 403);
      assert.equal((await household.goto(tariffsPage("en")))?.status(), 403);
    } finally {
      await context.close();
    }
  });
});
