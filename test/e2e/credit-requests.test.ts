/**
 * Top-up and pay-out requests on the real stack in headless Chromium: a household asks for a top-up
 * and gets a payment reference; the demo's operator (who holds the treasurer role) confirms it with a
 * passkey, which runs CreditToken.topUp for exactly that account and amount; the household's position
 * on chain and on its page rises by exactly 25 €. A pay-out above the balance is refused next to the
 * field, one of 10 € is carried out; a rejection's reason reaches the household; a household cannot
 * use the treasurer's endpoint; both pages pass axe in German and English.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import { creditTokenAbi } from "@nachbarstrom/core";
import { axeViolations, gotoHydrated, launchChromium } from "./browser.ts";
import { listActions } from "../../web/src/lib/server/actions/store.ts";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

/** Micro-euro as the form takes it, in whole cents: 35_000_000n → "35.00". */
function euroText(units: bigint): string {
  const cents = units / 10_000n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}

describe("top-up and pay-out requests, confirmed by the treasurer", () => {
  let stack: TestStack;
  let browser: Browser;
  let chain: PublicClient;
  let householdContext: BrowserContext;
  let household: Page;
  let treasurerContext: BrowserContext;
  let treasurer: Page;
  let account: Address;
  const moneyPage = (lang: string) => `${stack.urls.portal}/household/${account}/money?lang=${lang}`;
  const requestsPage = (lang: string) => `${stack.urls.portal}/operator/requests?lang=${lang}`;
  const position = () =>
    chain.readContract({
      address: stack.deployment.contracts.creditToken,
      abi: creditTokenAbi,
      functionName: "positionOf",
      args: [account],
    });

  /** Asks for a request on the household's page; answers its payment reference. */
  async function request(kind: "top-up" | "pay-out", amount: string): Promise<string> {
    await gotoHydrated(household, moneyPage("en"));
    const before = await household.locator(`[data-testid="request-row"][data-kind="${kind}"]`).count();
    await household.locator(`#${kind}-amount`).fill(amount);
    await household.getByTestId(`${kind}-form`).getByRole("button").click();
    await household.locator(`[data-testid="${kind}-status"][data-state="success"]`).waitFor({ timeout: 15_000 });
    const rows = household.locator(`[data-testid="request-row"][data-kind="${kind}"][data-state="pending"]`);
    // The list shows one more request of this kind once the page has reloaded its data.
    await household
      .locator(`[data-testid="request-row"][data-kind="${kind}"]`)
      .nth(before)
      .waitFor({ timeout: 15_000 });
    const reference = (await rows.last().getAttribute("data-reference"))!;
    assert.match(await household.getByTestId(`${kind}-status`).innerText(), new RegExp(reference));
    return reference;
  }

  /** The treasurer confirms the request with this reference; the passkey is answered by the virtual authenticator. */
  async function confirm(reference: string): Promise<void> {
    await gotoHydrated(treasurer, requestsPage("en"));
    const row = treasurer.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    assert.equal(await row.getAttribute("data-state"), "pending");
    await row.getByTestId("confirm-request").click();
    const status = treasurer.getByTestId("requests-status");
    await treasurer
      .locator('[data-testid="requests-status"]:is([data-state="confirmed"], [data-state="error"])')
      .waitFor({ timeout: 60_000 });
    assert.equal(await status.getAttribute("data-state"), "confirmed", await status.innerText());
  }

  before(async () => {
    stack = await startTestStack("credit-requests");
    account = stack.invitations[1].account;
    chain = createPublicClient({ transport: http(stack.deployment.rpcUrl) });
    browser = await launchChromium();
    householdContext = await browser.newContext();
    household = await householdContext.newPage();
    await signInAs(householdContext, household, stack, account);
    treasurerContext = await browser.newContext();
    treasurer = await treasurerContext.newPage();
    await signInAs(treasurerContext, treasurer, stack, stack.invitations[0].account);
  });

  after(async () => {
    await browser?.close();
    await stopTestStack(stack);
  });

  it("tops up exactly 25 € once the treasurer confirms the household's request", async () => {
    const reference = await request("top-up", "25.00");
    assert.match(reference, /^NS-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
    const instructions = household.locator(`[data-testid="transfer-instructions"][data-reference="${reference}"]`);
    assert.equal(await instructions.getByTestId("transfer-reference").innerText(), reference);
    assert.match(await instructions.innerText(), /€25\.00/);

    const before = await position();
    await confirm(reference);
    const afterTopUp = await position();
    assert.equal(afterTopUp - before, 25_000_000n, "the signed position rose by exactly 25 € (a debt is repaid first)");

    await gotoHydrated(household, moneyPage("en"));
    const row = household.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    assert.equal(await row.getAttribute("data-state"), "done");
    assert.match(await row.innerText(), /Done on/);
    assert.equal(
      await household.getByTestId("balance").getAttribute("data-value"),
      String(afterTopUp > 0n ? afterTopUp : 0n),
    );
    assert.equal(await instructions.count(), 0, "no transfer awaited any more");

    const store = await openAccountsStore({ location: stack.accountsDb });
    try {
      const action = (await listActions(store, { kinds: ["credit.top-up"], limit: 1 }))[0];
      assert.equal(action?.state, "confirmed");
      assert.equal(action.account, stack.invitations[0].account);
      assert.deepEqual(
        { account: action.details.account, amount: action.details.amount, reference: action.details.reference },
        { account, amount: "25000000", reference },
      );
      const receipt = await chain.getTransactionReceipt({ hash: action.txHash! });
      assert.equal(receipt.status, "success");
      assert.equal(await row.locator("code.hex").getAttribute("title"), action.txHash);
    } finally {
      await store.close();
    }
  });

  it("refuses a pay-out above the balance next to the field", async () => {
    const balance = await position();
    await gotoHydrated(household, moneyPage("en"));
    await household.locator("#pay-out-amount").fill(euroText(balance + 1_000_000n));
    await household.getByTestId("pay-out-form").getByRole("button").click();
    const error = household.locator('[data-testid="field-error"][data-field="pay-out-amount"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.innerText(), /more than your available balance/);
    const input = household.locator("#pay-out-amount");
    assert.equal(await input.getAttribute("aria-invalid"), "true");
    assert.match((await input.getAttribute("aria-describedby")) ?? "", /pay-out-amount-error/);
    assert.equal(await household.evaluate("document.activeElement?.id"), "pay-out-amount", "focus on the field");
    assert.deepEqual(await axeViolations(household), [], "money page with a field error (en)");
  });

  it("pays out 10 € once the treasurer confirms", async () => {
    const reference = await request("pay-out", "10.00");
    const before = await position();
    await confirm(reference);
    assert.equal(before - (await position()), 10_000_000n, "the position fell by exactly 10 €");
    await gotoHydrated(household, moneyPage("en"));
    const row = household.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    assert.equal(await row.getAttribute("data-state"), "done");
    assert.equal(await household.getByTestId("balance").getAttribute("data-value"), String(before - 10_000_000n));
  });

  it("refuses the treasurer's endpoints to a household (403)", async () => {
    const origin = new URL(stack.urls.portal).origin;
    for (const path of ["/operator/requests/confirm", "/operator/requests/reject"]) {
      const response = await householdContext.request.post(`${stack.urls.portal}${path}`, {
        headers: { origin, "content-type": "application/json" },
        data: JSON.stringify({ id: 1, reason: "mine" }),
      });
      assert.equal(response.status(), 403, path);
    }
    assert.equal((await household.goto(requestsPage("en")))?.status(), 403);
  });

  it("shows a rejection's reason to the household", async () => {
    const reference = await request("top-up", "5.00");
    await gotoHydrated(treasurer, requestsPage("en"));
    const row = treasurer.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    await row.getByTestId("reject-open").click();
    await row.getByTestId("reject-form").getByRole("button").click();
    const error = row.locator('[data-testid="field-error"][data-field="reason"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.innerText(), /give a reason/);
    await row.getByLabel(`Reason for rejecting ${reference} (the household sees it)`).fill("No transfer arrived");
    await row.getByTestId("reject-form").getByRole("button").click();
    await treasurer.locator('[data-testid="reject-status"][data-state="success"]').waitFor({ timeout: 15_000 });

    await gotoHydrated(household, moneyPage("en"));
    const mine = household.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    assert.equal(await mine.getAttribute("data-state"), "rejected");
    assert.equal(await mine.getByTestId("reject-reason").innerText(), "Reason: No transfer arrived");

    const store = await openAccountsStore({ location: stack.accountsDb });
    try {
      const [rejection] = await listActions(store, { kinds: ["credit.request.reject"], limit: 1 });
      assert.equal(rejection?.account, stack.invitations[0].account);
      assert.equal(rejection.details.reason, "No transfer arrived");
    } finally {
      await store.close();
    }
  });

  it("lets the household cancel a pending request", async () => {
    const reference = await request("pay-out", "1.00");
    const row = household.locator(`[data-testid="request-row"][data-reference="${reference}"]`);
    await row.getByTestId("cancel-request").click();
    await household
      .locator(`[data-testid="request-row"][data-reference="${reference}"][data-state="cancelled"]`)
      .waitFor({
        timeout: 15_000,
      });
  });

  it("passes axe in German and English on both pages", async () => {
    await request("top-up", "12.34");
    for (const lang of ["de", "en"]) {
      await gotoHydrated(household, moneyPage(lang));
      assert.deepEqual(await axeViolations(household), [], `household money page (${lang})`);
      await gotoHydrated(treasurer, requestsPage(lang));
      await treasurer
        .locator('[data-testid="request-row"][data-state="pending"]')
        .first()
        .getByTestId("reject-open")
        .click();
      assert.deepEqual(await axeViolations(treasurer), [], `console requests page (${lang})`);
      await gotoHydrated(treasurer, `${stack.urls.portal}/household/${account}/money?lang=${lang}`);
      await treasurer.getByTestId("read-only").waitFor();
      assert.equal(await treasurer.getByTestId("top-up-form").count(), 0, "the console sees the page read-only");
      assert.deepEqual(await axeViolations(treasurer), [], `household money page, read-only (${lang})`);
    }
  });
});
