/**
 * Registering a neighbourhood and setting static shares from the console on the real stack: the operator
 * registers a static-shares neighbourhood with its initial tariff through the form (two passkey
 * confirmations); the chain has both and the bridge's directory file has the neighbourhood (no meters);
 * a bad and a taken slug are refused next to the field; the operator onboards a metering point in it on
 * the meters page and sets its share weight, which the chain's meterOf shows; the page passes axe in
 * German and English; a household is refused (403) every prepare endpoint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { createPublicClient, http, type Address, type Hex } from "viem";
import {
  DEV_ACCOUNT_INDEX,
  devAccount,
  meterRegistryAbi,
  neighbourhoodId,
  readMeterDirectory,
  tariffScheduleAbi,
} from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { gotoHydrated, launchChromium } from "./browser.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const operatorAccount = devAccount(DEV_ACCOUNT_INDEX.admin).address;
const SLUG = "e2e-feste-anteile";
const HOOD = neighbourhoodId(SLUG);
const METERING_POINT = "DE0009876543210000000000000000077";
const TARIFF = {
  gridEnergy: "16.6",
  gridFee: "11.2",
  localGridFee: "4.48",
  electricityTax: "2.05",
  concessionFee: "1.32",
  levies: "1.5",
  communityPrice: "25",
  feedInPrice: "7.9",
};

describe("the operator registers a static-shares neighbourhood and sets a meter's share", () => {
  let stack: TestStack;
  const chain = () => createPublicClient({ transport: http(stack.deployment.rpcUrl) });
  const metersFile = () => join(stack.runtimeDir, "meters.json");
  const page$ = (path: string) => `${stack.urls.portal}${path}`;

  before(async () => {
    stack = await startTestStack("neighbourhoods");
  });

  after(async () => {
    await stopTestStack(stack);
  });

  /** Axe over the page as it is now, in German and English; no violations. */
  async function assertAccessible(page: Page, path: string) {
    for (const lang of ["de", "en"]) {
      await gotoHydrated(page, page$(`${path}?lang=${lang}`));
      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      assert.deepEqual(
        violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        [],
        `${path} (${lang})`,
      );
    }
  }

  /** Submits the registration form and waits for the slug's field error; answers its text. */
  async function slugRefused(page: Page, slug: string): Promise<string> {
    await page.locator("#register-slug").fill(slug);
    await page.getByRole("button", { name: "Check and register" }).click();
    const error = page.locator('[data-testid="field-error"][data-field="slug"]');
    await waitFor(
      `“${slug}” to be refused`,
      async () => (await error.count()) === 1 && (await error.innerText()).includes(slug),
      15_000,
    );
    assert.equal(await page.locator("#register-slug").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator("#register-slug:focus").count(), 1, "focus moves to the field");
    return error.innerText();
  }

  it("registers it with its tariff, writes the directory, onboards a meter and sets its weight", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, operatorAccount);
      await gotoHydrated(page, page$("/operator/neighbourhoods?lang=en"));

      // Refused next to the field: a slug the directory would not take, and the demo's own.
      assert.match(await slugRefused(page, "Nord Ost"), /not a short name/);
      assert.match(await slugRefused(page, stack.directory.neighbourhoods[0].slug), /exists already/);

      await page.locator("#register-slug").fill(SLUG);
      await page.locator("#register-allocationKey").selectOption("staticShares");
      await page.locator("#register-tariffNoticeDays").fill("28");
      await page.locator("#register-contractNoticeDays").fill("14");
      await page.locator("#register-costCap").check();
      await page.locator("#register-effectiveDate").fill("2026-01-01");
      for (const [field, value] of Object.entries(TARIFF)) await page.locator(`#register-${field}`).fill(value);
      await page.getByRole("button", { name: "Check and register" }).click();
      const summary = page.getByTestId("register-summary");
      await summary.waitFor({ timeout: 90_000 });
      assert.equal(await summary.getAttribute("data-summary"), "done");
      assert.equal(await page.getByTestId("register-status").getAttribute("data-state"), "confirmed");

      // The chain has the neighbourhood with its rules and its initial tariff.
      const rules = await chain().readContract({
        address: stack.deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "neighbourhoodOf",
        args: [HOOD],
      });
      assert.deepEqual(
        [rules.allocationKey, rules.tariffNoticeIntervals, rules.contractNoticeIntervals, rules.costCap],
        [1, 2688, 1344, true],
      );
      const tariffs = await chain().readContract({
        address: stack.deployment.contracts.tariffSchedule,
        abi: tariffScheduleAbi,
        functionName: "tariffHistory",
        args: [HOOD],
      });
      assert.equal(tariffs.length, 1);
      assert.equal(tariffs[0].tariff.communityPrice, 250_000n);
      assert.equal(tariffs[0].tariff.feedInPrice, 79_000n);

      // The bridge's directory has it, without meters, next to the demo's.
      const entry = readMeterDirectory(metersFile()).neighbourhoods.find((h) => h.slug === SLUG);
      assert.deepEqual(entry, { slug: SLUG, id: HOOD, meters: [] });

      // A second registration of the same slug is refused by the audit log / directory check.
      await gotoHydrated(page, page$("/operator/neighbourhoods?lang=en"));
      assert.match(await slugRefused(page, SLUG), /exists already/);

      // Onboarding a metering point in it, once the read model has the neighbourhood.
      await waitFor(
        "the meters page to offer the new neighbourhood",
        async () => {
          await gotoHydrated(page, page$("/operator/meters?lang=en"));
          return (await page.locator(`#onboard-neighbourhood option[value="${HOOD}"]`).count()) === 1;
        },
        30_000,
      );
      await page.getByLabel("Metering point id (Zählpunktbezeichnung)").fill(METERING_POINT);
      await page.getByLabel("Neighbourhood").selectOption(HOOD);
      await page.getByLabel("Household", { exact: true }).selectOption("new");
      await page.getByRole("button", { name: "Register metering point" }).click();
      await page.getByTestId("onboard-invitation-code").waitFor({ timeout: 60_000 });
      const meterEntry = readMeterDirectory(metersFile())
        .neighbourhoods.find((h) => h.slug === SLUG)
        ?.meters.find((m) => m.meteringPointId === METERING_POINT);
      assert.ok(meterEntry, "the metering point is in the new neighbourhood's directory entry");
      const meterId = meterEntry.meterId as Hex;

      // Its share weight: refused beyond what a record holds, then set.
      await gotoHydrated(page, page$("/operator/neighbourhoods?lang=en"));
      const row = page.locator(`[data-testid="share-table"][data-neighbourhood="${HOOD}"] tr[data-meter="${meterId}"]`);
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.getByTestId("weight-now").getAttribute("data-weight"), "1");
      const input = row.getByLabel("Weight for no. 13");
      await input.fill("70000");
      await row.getByRole("button", { name: "Set" }).click();
      await row.locator('[data-testid="field-error"][data-field="weight"]').waitFor({ timeout: 15_000 });
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      await input.fill("250");
      await row.getByRole("button", { name: "Set" }).click();
      const status = page.getByTestId("share-status");
      await waitFor(
        "the share weight to be confirmed",
        async () => (await status.getAttribute("data-state")) === "confirmed",
        60_000,
      );
      const meter = await chain().readContract({
        address: stack.deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "meterOf",
        args: [meterId],
      });
      assert.equal(meter.shareWeight, 250);
      assert.equal(meter.neighbourhood, HOOD);
      await waitFor(
        "the page to show the weight from the next interval",
        async () =>
          (await page
            .locator(`tr[data-meter="${meterId}"] [data-testid="weight-next"]`)
            .getAttribute("data-weight")) === "250",
        10_000,
      );

      await assertAccessible(page, "/operator/neighbourhoods");
    } finally {
      await browser.close();
    }
  });

  it("refuses the prepare endpoints to a household (403)", async () => {
    const household = stack.directory.neighbourhoods[0].meters[1].owner as Address;
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, household);
      const statuses = await page.evaluate(async (tariff) => {
        const post = (url: string, body: unknown) =>
          fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const register = await post("/operator/neighbourhoods/register", {
          slug: "household-hood",
          allocationKey: "proRata",
          tariffNoticeDays: "0",
          contractNoticeDays: "0",
          effectiveDate: "2026-01-01",
          vatPercent: "19",
          ...tariff,
        });
        const initial = await post("/operator/neighbourhoods/initial-tariff", { neighbourhood: "0x", ...tariff });
        const share = await post("/operator/neighbourhoods/share", { meter: `0x${"1".repeat(64)}`, weight: "9" });
        return [register.status, initial.status, share.status];
      }, TARIFF);
      assert.deepEqual(statuses, [403, 403, 403]);
    } finally {
      await browser.close();
    }
    assert.ok(!readMeterDirectory(metersFile()).neighbourhoods.some((h) => h.slug === "household-hood"));
  });
});
