/**
 * Signing in for browser tests the way a household does: a fresh invitation code for the account
 * (written into the portal's accounts database, as the operator's console would), a passkey created
 * on a virtual authenticator of Chromium (DevTools protocol), and the portal's own session.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import type { Address } from "viem";
import { gotoHydrated } from "./browser.ts";
import { issueInvitation } from "../../web/src/lib/server/auth/invitations.ts";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";

/** Adds a platform authenticator with user verification that holds discoverable credentials (passkeys). */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

/** A new single-use invitation code for an account the stack has bound (a demo household or the operator). */
export async function newInvitationCode(accountsDb: string, account: Address): Promise<string> {
  const store = await openAccountsStore({ location: accountsDb });
  try {
    return (await issueInvitation(store, { account })).code;
  } finally {
    await store.close();
  }
}

/** Redeems an invitation code in the page (passkey on the virtual authenticator); resolves once signed in. */
export async function redeemInvitation(page: Page, portalUrl: string, code: string, lang = "en"): Promise<void> {
  await gotoHydrated(page, `${portalUrl}/invitation?lang=${lang}&code=${encodeURIComponent(code)}`);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith("/invitation"), { timeout: 15_000 }),
    page.locator("form.panel button[type=submit]").click(),
  ]);
}

/**
 * Signs the page's context in as `account`: a virtual authenticator, a fresh invitation, a passkey.
 * Needs a context from `browser.newContext()` (the authenticator belongs to the page's target).
 */
export async function signInAs(
  context: BrowserContext,
  page: Page,
  stack: { accountsDb: string; urls: { portal: string } },
  account: Address,
): Promise<void> {
  await addVirtualAuthenticator(context, page);
  await redeemInvitation(page, stack.urls.portal, await newInvitationCode(stack.accountsDb, account));
}
