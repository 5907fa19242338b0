/**
 * Announcing a tariff from the operator console on the real stack in headless Chromium: the operator
 * signs in with their own wallet (SIWE) and the same wallet signs TariffSchedule.announceTariff in the
 * browser; the portal checks and prepares the call (an action in its audit log). The test wallet is an EIP-1193 stub injected into the
 * page that signs in Node with a WELL-KNOWN development key (index 0) and passes reads to the stack's
 * chain. The chain must hold the tariff, the history must show it as announced, a bad field gets its
 * error next to it, the form passes axe in German and English, and a household gets 403.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createPublicClient, http, type Hex } from "viem";
import { DEV_ACCOUNT_INDEX, devAccount, intervalOf, tariffScheduleAbi } from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { dayOf, dayRange, shiftDay } from "../../web/src/lib/server/statements/calendar.ts";
import { axeViolations, gotoHydrated, launchChromium } from "./browser.ts";
import { listActions } from "../../web/src/lib/server/actions/store.ts";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { injectTestWallet } from "./test-wallet.ts";

describe("the operator announces a tariff with their own wallet", () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let hood: Hex;
  // WELL-KNOWN LOCAL DEVELOPMENT KEY: the demo's operator.
  const operator = devAccount(DEV_ACCOUNT_INDEX.admin);
  const tariffsPage = (lang: string) => `${stack.urls.portal}/operator/tariffs?lang=${lang}`;

  before(async () => {
    stack = await startTestStack("e2e-announce", { operatorCustody: "wallet" });
    hood = stack.directory.neighbourhoods[0].id as Hex;
    browser = await launchChromium();
    const context = await browser.newContext();
    page = await context.newPage();
    await injectTestWallet(page, operator, { chainId: stack.deployment.chainId, rpcUrl: stack.deployment.rpcUrl });
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
    await page.getByRole("button", { name: "Check and announce" }).click();
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
    await page.getByRole("button", { name: "Check and announce" }).click();
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

    // The audit log holds the announcement with the wallet's transaction, mined and checked.
    const store = await openAccountsStore({ location: stack.accountsDb });
    try {
      const [action] = await listActions(store, { kinds: ["tariff."], limit: 1 });
      assert.equal(action?.kind, "tariff.announce");
      assert.equal(action.via, "wallet");
      assert.equal(action.state, "confirmed");
      assert.equal(action.account, operator.address);
      const receipt = await chain.getTransactionReceipt({ hash: action.txHash! });
      assert.equal(receipt.to?.toLowerCase(), stack.deployment.contracts.tariffSchedule.toLowerCase());
    } finally {
      await store.close();
    }

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
