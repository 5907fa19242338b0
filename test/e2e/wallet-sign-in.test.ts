/**
 * Wallet sign-in (EIP-4361, Sign-In with Ethereum) on the real stack in headless Chromium: a test
 * EIP-1193 wallet injected into the page signs with a WELL-KNOWN development key. A household whose
 * own wallet the utility registered sees its own page and no other; the operator gets the console;
 * a household whose key the portal holds, an unknown wallet, a refused signature and a browser
 * without a wallet each get their message next to the button; /signin passes axe in German and English.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { DEV_ACCOUNT_INDEX, devAccount } from "@nachbarstrom/core";
import { bindAccount, issueInvitation } from "../../web/src/lib/server/auth/invitations.ts";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";
import { axeViolations, gotoHydrated, launchChromium } from "./browser.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { injectTestWallet, type WalletMode } from "./test-wallet.ts";

/** How the test wallet answers a signature request: signs, or refuses as a person pressing "Reject" (4001). */
/** Resolves once the wallet's status line shows an error. */
async function walletError(page: Page): Promise<void> {
  await page.locator("[data-testid=wallet-status].status--error").waitFor({ timeout: 15_000 });
}

async function signInWithWallet(page: Page, portal: string, lang = "en"): Promise<void> {
  await gotoHydrated(page, `${portal}/signin?lang=${lang}`);
  await page.getByTestId("wallet-signin").click();
}

describe("households and the operator sign in with their own wallet (SIWE)", () => {
  let stack: TestStack;
  let runtimeDir: string;
  let browser: Browser;
  // WELL-KNOWN LOCAL DEVELOPMENT KEY: a thirteenth household, registered with its own wallet's address.
  const walletHousehold = devAccount(DEV_ACCOUNT_INDEX.firstHousehold + 12);

  before(async () => {
    stack = await startTestStack("e2e-wallet", { operatorCustody: "wallet" });
    runtimeDir = stack.runtimeDir;
    // As the console's "issue an invitation" with an address does: the account bound without a key.
    const store = await openAccountsStore({ location: stack.accountsDb });
    try {
      await bindAccount(store, {
        account: walletHousehold.address,
        custody: { kind: "external" },
        encryptionKey: Buffer.alloc(32), // not used for an account bound without a key
      });
      await issueInvitation(store, { account: walletHousehold.address });
    } finally {
      await store.close();
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stopTestStack(stack);
  });

  async function pageWith(account: LocalAccount, mode: () => WalletMode = () => "sign") {
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();
    await injectTestWallet(page, account, { chainId: stack.deployment.chainId, mode });
    return { context, page };
  }

  it("signs a household in with its wallet: its own page, and 403 on another's", async () => {
    const portal = stack.urls.portal;
    const [, theirs] = stack.invitations;
    const { context, page } = await pageWith(walletHousehold);
    await page.goto(`${portal}/household/${walletHousehold.address}?lang=en`);
    assert.equal(new URL(page.url()).pathname, "/signin");
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/household/${walletHousehold.address}`, { timeout: 15_000 }),
      page.getByRole("button", { name: "Sign in with your wallet" }).click(),
    ]);
    assert.equal(await page.getByTestId("account").innerText(), walletHousehold.address);
    const cookie = (await context.cookies()).find((c) => c.name === "nachbarstrom_session");
    assert.ok(cookie?.httpOnly, "an httpOnly session cookie");
    assert.equal(
      (await context.cookies()).find((c) => c.name === "nachbarstrom_siwe"),
      undefined,
      "the attempt cookie is gone",
    );

    const other = await page.goto(`${portal}/household/${theirs.account}?lang=en`);
    assert.equal(other?.status(), 403);
    assert.equal((await page.goto(`${portal}/operator?lang=en`))?.status(), 403);
    await context.close();
  });

  it("sends the operator to the console", async () => {
    const { context, page } = await pageWith(devAccount(DEV_ACCOUNT_INDEX.admin));
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/operator", { timeout: 15_000 }),
      signInWithWallet(page, stack.urls.portal),
    ]);
    await context.close();
  });

  it("refuses a custodial household, an unknown wallet and a refused signature, with a message", async () => {
    const household = devAccount(DEV_ACCOUNT_INDEX.firstHousehold);
    const cases: [LocalAccount, WalletMode, string][] = [
      [household, "sign", "wallet.error.custodial"],
      [privateKeyToAccount(generatePrivateKey()), "sign", "wallet.error.unknown-account"],
      [walletHousehold, "reject", "wallet.error.rejected"],
    ];
    for (const [account, mode, message] of cases) {
      const { context, page } = await pageWith(account, () => mode);
      await signInWithWallet(page, stack.urls.portal);
      const status = page.getByTestId("wallet-status");
      await walletError(page);
      assert.equal(await status.getAttribute("data-message"), message);
      assert.equal(await status.getAttribute("aria-live"), "polite");
      assert.equal(await page.evaluate("document.activeElement?.dataset.testid"), "wallet-status", "focus on it");
      assert.equal(new URL(page.url()).pathname, "/signin");
      assert.equal(
        (await context.cookies()).find((c) => c.name === "nachbarstrom_session"),
        undefined,
      );
      await context.close();
    }
  });

  it("says so when the browser has no wallet, and /signin passes axe in German and English", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (const lang of ["de", "en"]) {
        await page.goto(`${stack.urls.portal}/signin?lang=${lang}`);
        assert.deepEqual(await axeViolations(page), [], `/signin (${lang})`);
      }
      await page.getByTestId("wallet-signin").focus();
      await page.keyboard.press("Enter");
      const status = page.getByTestId("wallet-status");
      await walletError(page);
      assert.equal(await status.getAttribute("data-message"), "wallet.error.no-wallet");
      assert.deepEqual(await axeViolations(page), [], "/signin with an error (en)");
    } finally {
      await context.close();
    }
  });
});
