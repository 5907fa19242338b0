/**
 * Sign-in on the real stack in headless Chromium with a virtual authenticator: a household redeems its
 * invitation code with a passkey, signs out, signs in again, sees its own page and nothing else; the
 * operator issues an invitation; the sign-in pages pass axe in German and English; guessing invitation
 * codes is cut off after a few tries.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { axeViolations, gotoHydrated, launchChromium } from "./browser.ts";
import { ATTEMPT_LIMITS } from "../../web/src/lib/server/auth/rate-limit.ts";
import { newInvitationCode as randomInvitationCode } from "../../web/src/lib/server/auth/tokens.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { addVirtualAuthenticator, newInvitationCode, redeemInvitation } from "./sign-in.ts";

describe("a household signs in with a passkey from its invitation code", () => {
  let stack: TestStack;
  let runtimeDir: string;
  let browser: Browser;

  before(async () => {
    stack = await startTestStack("e2e-signin");
    runtimeDir = stack.runtimeDir;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stopTestStack(stack);
  });

  it("prints one invitation code per demo account, operator first", () => {
    assert.equal(stack.invitations.length, 13);
    const text = readFileSync(stack.invitationsFile, "utf8");
    for (const invitation of stack.invitations) assert.ok(text.includes(invitation.code), invitation.label);
  });

  it("redeems, signs out, signs in again, and sees only its own page", async () => {
    const [, mine, theirs] = stack.invitations;
    const portal = stack.urls.portal;
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);

    // Not signed in: the household page sends to sign-in.
    const anonymous = await page.goto(`${portal}/household/${mine.account}?lang=en`);
    assert.equal(new URL(page.url()).pathname, "/signin");
    assert.equal(anonymous?.status(), 200);

    // Redeem the invitation: a passkey on the virtual authenticator, a session, the household's page.
    await redeemInvitation(page, portal, mine.code);
    assert.equal(new URL(page.url()).pathname, `/household/${mine.account}`);
    assert.equal(await page.getByTestId("account").innerText(), mine.account);
    const cookie = (await context.cookies()).find((c) => c.name === "nachbarstrom_session");
    assert.ok(cookie, "a session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");

    // The code works once.
    await gotoHydrated(page, `${portal}/invitation?lang=en&code=${mine.code}`);
    await page.locator("form.panel button[type=submit]").click();
    const codeError = page.getByTestId("code-error");
    await codeError.waitFor();
    assert.equal(await codeError.getAttribute("data-message"), "invitation.error.used");
    assert.equal(await page.locator("#invitation-code").getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate("document.activeElement?.id"), "invitation-code", "focus on the field");

    // Sign out: the session ends on the server too.
    await gotoHydrated(page, `${portal}/household/${mine.account}?lang=en`);
    await Promise.all([page.waitForURL(/\/signin\?signedOut/), page.getByTestId("signout").click()]);
    assert.equal(await page.getByTestId("signin-status").getAttribute("data-message"), "signin.signedOut");
    const stale = await context.request.get(`${portal}/household/${mine.account}`, {
      headers: { cookie: `nachbarstrom_session=${cookie.value}` },
      maxRedirects: 0,
    });
    assert.equal(stale.status(), 303, "the old session id no longer works");

    // Sign in with the passkey; back to the page asked for.
    await gotoHydrated(page, `${portal}/household/${mine.account}?lang=en`);
    assert.equal(new URL(page.url()).pathname, "/signin");
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/household/${mine.account}`),
      page.getByRole("button", { name: "Sign in with a passkey" }).click(),
    ]);
    assert.equal(await page.getByTestId("account").innerText(), mine.account);

    // Another household's page and the console are refused.
    const other = await page.goto(`${portal}/household/${theirs.account}?lang=en`);
    assert.equal(other?.status(), 403);
    assert.match(await page.locator("h1").innerText(), /No access/);
    assert.equal(await page.getByTestId("balance").count(), 0);
    const data = await context.request.get(`${portal}/household/${theirs.account}/__data.json`);
    assert.equal(data.status(), 403, "nor its data");
    for (const path of ["/operator", "/operator/bridge", "/operator/invitations"]) {
      assert.equal((await page.goto(`${portal}${path}?lang=en`))?.status(), 403, path);
    }
    await context.close();
  });

  it("lets the operator into the console and issue an invitation that a new household redeems", async () => {
    const [operator, household] = stack.invitations;
    const portal = stack.urls.portal;
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await redeemInvitation(page, portal, operator.code);
    assert.equal(new URL(page.url()).pathname, "/operator");
    assert.equal((await page.goto(`${portal}/household/${household.account}?lang=en`))?.status(), 200);

    await gotoHydrated(page, `${portal}/operator/invitations?lang=en`);
    await page.getByRole("button", { name: "Create an invitation code" }).click();
    const code = await page.getByTestId("issued-code").innerText();
    const account = await page.getByTestId("issued-account").innerText();
    assert.deepEqual(await axeViolations(page), [], "/operator/invitations with a code");
    await context.close();

    // The new (custodial) account redeems its code; it owns no meter yet, so its page is empty.
    const newcomer = await browser.newContext();
    const newPage = await newcomer.newPage();
    await addVirtualAuthenticator(newcomer, newPage);
    await redeemInvitation(newPage, portal, code);
    assert.equal(new URL(newPage.url()).pathname, `/household/${account}`);
    await newcomer.close();
  });

  it("lets a household ask for erasure on the privacy page, which the console's households page shows", async () => {
    const household = stack.invitations[3];
    const portal = stack.urls.portal;
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await redeemInvitation(page, portal, household.code);
    await gotoHydrated(page, `${portal}/privacy?lang=en`);
    await page.getByTestId("erasure-request").click();
    await page.getByTestId("erasure-requested").waitFor();
    assert.match(await page.getByTestId("erasure-requested").innerText(), /You asked for erasure on/);
    assert.deepEqual(await axeViolations(page), [], "/privacy with the request (en)");
    await page.reload();
    assert.equal(await page.getByTestId("erasure-request").count(), 0, "asked once, the button is gone");
    await context.close();

    const consoleContext = await browser.newContext();
    const operatorPage = await consoleContext.newPage();
    await addVirtualAuthenticator(consoleContext, operatorPage);
    await redeemInvitation(
      operatorPage,
      portal,
      await newInvitationCode(stack.accountsDb, stack.invitations[0].account),
    );
    await gotoHydrated(operatorPage, `${portal}/operator/households?lang=en`);
    const row = operatorPage.locator(`[data-testid="household-row"][data-account="${household.account}"]`);
    assert.match(await row.getByTestId("erasure-requested").innerText(), /Erasure asked for on/);
    await consoleContext.close();
  });

  it("has no WCAG 2.1 AA violations on the sign-in pages, in German and English", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (const path of ["/signin", "/invitation", "/signout"]) {
        for (const lang of ["de", "en"]) {
          const response = await page.goto(`${stack.urls.portal}${path}?lang=${lang}`);
          assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/, path);
          assert.deepEqual(await axeViolations(page), [], `${path} (${lang})`);
        }
      }
      // With an error shown next to the field.
      await page.goto(`${stack.urls.portal}/invitation?lang=de&code=nonsense`);
      await page.locator("form.panel button[type=submit]").click();
      await page.getByTestId("code-error").waitFor();
      assert.deepEqual(await axeViolations(page), [], "/invitation with an error (de)");
    } finally {
      await context.close();
    }
  });

  // Last: it uses up this client's invitation code checks (rate-limit.ts), which every test above shares.
  it("refuses invitation codes past the limit with 429 and Retry-After, shown next to the field", async () => {
    const portal = stack.urls.portal;
    const { limit, windowMs } = ATTEMPT_LIMITS.codesPerClient;
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await gotoHydrated(page, `${portal}/invitation?lang=en`);
      const codeError = page.getByTestId("code-error");
      const tryCode = async (code: string) => {
        await page.locator("#invitation-code").fill(code);
        const [response] = await Promise.all([
          page.waitForResponse((r) => new URL(r.url()).pathname === "/invitation/options"),
          page.locator("form.panel button[type=submit]").click(),
        ]);
        await codeError.waitFor();
        return response;
      };
      // The tests above checked some codes from this client already: wrong ones until the limit bites.
      let refused;
      for (let attempt = 1; attempt <= limit + 1 && !refused; attempt++) {
        const response = await tryCode(randomInvitationCode());
        if (response.status() === 429) refused = response;
        else
          assert.equal(await codeError.getAttribute("data-message"), "invitation.error.unknown", `attempt ${attempt}`);
      }
      assert.ok(refused, `no 429 after ${limit + 1} wrong codes`);
      const retryAfter = Number(await refused.headerValue("retry-after"));
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= windowMs / 1000, `${retryAfter}`);
      await page.locator('[data-testid="code-error"][data-message="invitation.error.rate-limited"]').waitFor();
      assert.match(await codeError.innerText(), /Too many invitation codes have been tried/);
      assert.equal(await page.locator("#invitation-code").getAttribute("aria-invalid"), "true");
      assert.deepEqual(await axeViolations(page), [], "/invitation with the rate-limit message");

      // A code that exists and is unused is refused alike: the refusal tells nothing about the code.
      const unused = stack.invitations.at(-1)!.code;
      assert.equal((await tryCode(unused)).status(), 429);
      await page.locator('[data-testid="code-error"][data-message="invitation.error.rate-limited"]').waitFor();
    } finally {
      await context.close();
    }
  });
});
