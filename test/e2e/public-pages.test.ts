/**
 * The public privacy and accessibility statements, signed out, in German and English, with axe; a
 * household's tariffs page against the demo tariff, with axe; another household's tariffs are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { launchChromium } from "./browser.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const LANGS = ["de", "en"] as const;

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
      const page = await (await browser.newContext()).newPage();
      const headings = {
        "/privacy": { de: "Datenschutz", en: "Privacy" },
        "/accessibility": { de: "Erklärung zur Barrierefreiheit", en: "Accessibility statement" },
      };
      for (const [path, heading] of Object.entries(headings)) {
        for (const lang of LANGS) {
          const response = await page.goto(`${stack.urls.portal}${path}?lang=${lang}`);
          assert.equal(response?.status(), 200, `${path} (${lang})`);
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
      await signInAs(context, page, stack, owner);
      const portal = stack.urls.portal;

      await page.goto(`${portal}/household/${owner}?lang=en`);
      await page.getByTestId("tariffs-link").click();
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

      const refused = await page.goto(`${portal}/household/${other}/tariffs?lang=en`);
      assert.equal(refused?.status(), 403);
      assert.equal(await page.getByTestId("tariff").count(), 0);
    } finally {
      await browser.close();
    }
  });
});
