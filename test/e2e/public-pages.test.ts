/**
 * The public privacy and accessibility statements, signed out, in German and English, with axe; a
 * household's tariffs page against the demo tariff, with axe; another household's tariffs are refused.
 * Every page visited carries the CSP and the other security headers and reports no violation of them;
 * the header's links are the ones the viewer may follow.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page, Response } from "playwright-core";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { launchChromium } from "./browser.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const LANGS = ["de", "en"] as const;

/**
 * Everything the browser reports against the page's policies (CSP, Permissions-Policy) and every
 * script error, across navigations. A violation event is logged from an init script, which the CSP
 * does not govern, so it reaches the test as a console message too.
 */
async function watchPolicies(context: BrowserContext, page: Page): Promise<string[]> {
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) =>
      console.error("Content Security Policy violation: " + event.violatedDirective + " blocked " + event.blockedURI));`,
  });
  const reported: string[] = [];
  page.on("console", (message) => {
    if (/content security policy|permissions.policy/i.test(message.text())) reported.push(message.text());
  });
  page.on("pageerror", (error) => reported.push(`script error: ${error.message}`));
  // What Chromium logs itself (a header it cannot parse, a blocked resource) comes through DevTools' log.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Log.enable");
  cdp.on("Log.entryAdded", ({ entry }) => {
    if (/content security policy|permissions.policy/i.test(entry.text)) reported.push(entry.text);
  });
  return reported;
}

/** The security headers every page carries: SvelteKit's CSP (csp in vite.config.ts) and hooks.server.ts's. */
function assertSecurityHeaders(response: Response | null, label: string): void {
  const headers = response?.headers() ?? {};
  const csp = headers["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ]) {
    assert.ok(csp.includes(directive), `${label}: CSP has ${directive} (${csp})`);
  }
  assert.doesNotMatch(csp, /style-src [^;]*'unsafe-inline'/, `${label}: no inline styles`);
  assert.match(headers["permissions-policy"] ?? "", /publickey-credentials-get=\(self\)/, label);
  assert.equal(headers["cross-origin-opener-policy"], "same-origin", label);
}

async function assertNoViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    [],
    label,
  );
}

describe("public pages and a household's tariffs", () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack("public-pages");
  });

  after(async () => {
    await stopTestStack(stack);
  });

  it("shows the privacy and accessibility statements to anyone, linked from every page's footer", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const reported = await watchPolicies(context, page);
      const headings = {
        "/privacy": { de: "Datenschutz", en: "Privacy" },
        "/accessibility": { de: "Erklärung zur Barrierefreiheit", en: "Accessibility statement" },
      };
      for (const [path, heading] of Object.entries(headings)) {
        for (const lang of LANGS) {
          const response = await page.goto(`${stack.urls.portal}${path}?lang=${lang}`);
          assert.equal(response?.status(), 200, `${path} (${lang})`);
          assertSecurityHeaders(response, `${path} (${lang})`);
          assert.equal(await page.locator("html").getAttribute("lang"), lang);
          assert.equal((await page.locator("h1").textContent())?.trim(), heading[lang]);
          await assertNoViolations(page, `${path} (${lang})`);
        }
      }
      await page.goto(`${stack.urls.portal}/?lang=en`);
      const footer = page.locator("footer nav");
      // SvelteKit writes relative links on the server ("./privacy") and absolute ones in the browser.
      const target = async (name: string) =>
        new URL((await footer.getByRole("link", { name }).getAttribute("href")) ?? "", page.url()).pathname;
      assert.equal(await target("Privacy"), "/privacy");
      assert.equal(await target("Accessibility"), "/accessibility");

      // Signed out, the header offers the start page and sign-in, none of the console's pages.
      const mainNav = page.getByRole("navigation", { name: "Main navigation" });
      assert.deepEqual(await mainNav.getByRole("link").allInnerTexts(), ["Home"]);
      assert.equal(await page.locator('header a[href*="operator"]').count(), 0, "no console link");
      assert.equal(await page.locator("header").getByRole("link", { name: "Sign in" }).count(), 1);

      // The start page and the sign-in pages (passkey and wallet scripts) run under the CSP too.
      for (const path of ["/", "/signin", "/invitation"]) {
        assertSecurityHeaders(await page.goto(`${stack.urls.portal}${path}?lang=en`), path);
        await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      }
      assert.deepEqual(reported, [], "no CSP or Permissions-Policy violation, no script error");
    } finally {
      await browser.close();
    }
  });

  it("shows a household its neighbourhood's tariff as on chain and refuses another household's", async () => {
    const meters = stack.directory.neighbourhoods[0].meters;
    const owner = meters[0].owner as `0x${string}`;
    const other = meters.find((m) => m.owner.toLowerCase() !== owner.toLowerCase())!.owner;
    const tariff = DEMO_NEIGHBOURHOOD.tariff;
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const reported = await watchPolicies(context, page);
      await signInAs(context, page, stack, owner);
      const portal = stack.urls.portal;

      await page.goto(`${portal}/household/${owner}?lang=en`);
      await page.getByTestId("household-nav").getByRole("link", { name: "Tariffs", exact: true }).click();
      await page.waitForURL(`**/household/${owner}/tariffs`);

      // The read model may lag a poll behind the deployment.
      await waitFor(
        "the tariffs page to show the tariff in force",
        async () => {
          await page.goto(`${portal}/household/${owner}/tariffs?lang=en`);
          return (await page.locator('[data-testid="tariff"][data-state="current"]').count()) === 1;
        },
        30_000,
      );
      const current = page.locator('[data-testid="tariff"][data-state="current"]');
      const value = (component: string) =>
        current.locator(`[data-testid="tariff-component"][data-component="${component}"]`).getAttribute("data-value");
      for (const component of [
        "gridEnergy",
        "gridFee",
        "electricityTax",
        "concessionFee",
        "levies",
        "communityPrice",
        "localGridFee",
        "feedInPrice",
      ] as const) {
        assert.equal(await value(component), String(tariff[component]), component);
      }
      assert.equal(await value("vat"), String(tariff.vatBasisPoints));
      const gridNet = tariff.gridEnergy + tariff.gridFee + tariff.electricityTax + tariff.concessionFee + tariff.levies;
      assert.equal(await value("gridGross"), String((gridNet * BigInt(10_000 + tariff.vatBasisPoints)) / 10_000n));
      assert.equal(
        await page.locator('[data-testid="tariff-history-row"][data-state="current"]').getAttribute("data-effective"),
        await current.getAttribute("data-effective"),
      );

      for (const lang of LANGS) {
        await page.goto(`${portal}/household/${owner}/tariffs?lang=${lang}`);
        assert.equal(await page.locator("html").getAttribute("lang"), lang);
        const energy = current.locator('[data-component="gridEnergy"] td');
        assert.equal((await energy.textContent())?.trim(), lang === "de" ? "16,60" : "16.60");
        await assertNoViolations(page, `tariffs (${lang})`);
      }

      // A household's header: its own area, no console; the household's pages, this one marked.
      const mainNav = page.getByRole("navigation", { name: "Main navigation" });
      assert.deepEqual(await mainNav.getByRole("link").allInnerTexts(), ["Home", "My household"]);
      assert.equal(await mainNav.getByRole("link", { name: "My household" }).getAttribute("aria-current"), "true");
      const householdNav = page.getByRole("navigation", { name: "Household pages" });
      const hrefs = await Promise.all(
        (await householdNav.getByRole("link").all()).map(
          async (link) => new URL((await link.getAttribute("href")) ?? "", page.url()).pathname,
        ),
      );
      for (const sub of ["", "/flows", "/statement", "/money", "/contracts", "/tariffs", "/preferences"]) {
        assert.ok(hrefs.includes(`/household/${owner}${sub}`), `household nav links ${sub || "the overview"}`);
      }
      assert.deepEqual(await householdNav.locator('a[aria-current="page"]').allInnerTexts(), ["Tariffs"]);
      assertSecurityHeaders(await page.goto(`${portal}/household/${owner}?lang=en`), "household overview");
      assert.deepEqual(reported, [], "no CSP or Permissions-Policy violation, no script error");

      const refused = await page.goto(`${portal}/household/${other}/tariffs?lang=en`);
      assert.equal(refused?.status(), 403);
      assert.equal(await page.getByTestId("tariff").count(), 0);
    } finally {
      await browser.close();
    }
  });
});
