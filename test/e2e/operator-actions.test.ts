/**
 * The operator's console actions on the real stack: readings for an interval go through the bridge to
 * the chain; the operator signs in with a passkey, corrects one meter's import with a reason through
 * the interval page (confirmed with the passkey), and the chain's MeterCorrected and the owner's
 * position move by exactly what core's twin says; the page lists the correction, the audit log the
 * correction and an issued invitation; a household is refused (403) the audit log and the prepare
 * endpoint; erasing a household with an active meter is refused with its message; the new pages pass
 * axe in German and English.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import mqtt, { type MqttClient } from "mqtt";
import type { BrowserContext, Page } from "playwright-core";
import { createPublicClient, http, type Address, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  creditTokenAbi,
  decodeChunkResults,
  devAccount,
  intervalOf,
  neighbourhoodSettlementAbi,
  settlementCorrectionsAbi,
} from "@nachbarstrom/core";
import { correctMeter } from "@nachbarstrom/core/correction";
import { waitFor } from "../../scripts/stack/processes.ts";
import { launchChromium, gotoHydrated } from "./browser.ts";
import { readingsFor } from "./readings.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const operatorAccount = devAccount(DEV_ACCOUNT_INDEX.admin).address;
const REASON = "replacement value from the meter operator, ticket MSB-42";

describe("the operator corrects an interval, reads the audit log, and cannot erase an active household", () => {
  let stack: TestStack;
  let client: MqttClient;
  let hood: Hex;
  const interval = intervalOf(Date.now() / 1000) - 12n;
  const chain = () => createPublicClient({ transport: http(stack.deployment.rpcUrl) });

  before(async () => {
    stack = await startTestStack("operator-actions");
    hood = stack.directory.neighbourhoods[0].id as Hex;
    client = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-operator-actions" });
    for (const { topic, payload } of readingsFor(interval)) await client.publishAsync(topic, payload, { qos: 1 });
    await waitFor(
      `interval ${interval} to settle`,
      async () =>
        (
          await chain().readContract({
            address: stack.deployment.contracts.neighbourhoodSettlement,
            abi: neighbourhoodSettlementAbi,
            functionName: "intervalOf",
            args: [hood, interval],
          })
        ).settledAt > 0n,
      90_000,
    );
  });

  after(async () => {
    await client?.endAsync();
    await stopTestStack(stack);
  });

  /** A browser context signed in as `account` with a passkey, for `use`. */
  async function asAccount(account: Address, use: (page: Page, context: BrowserContext) => Promise<void>) {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, account);
      await use(page, context);
    } finally {
      await browser.close();
    }
  }

  it("corrects a meter's import by exactly the twin's change, lists it, and logs it with an invitation", async () => {
    const [chunk] = await chain().getContractEvents({
      address: stack.deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood, interval },
      fromBlock: BigInt(stack.deployment.deployedAtBlock),
      strict: true,
    });
    const original = decodeChunkResults(chunk.args.results).find((m) => m.exportWh === 0n)!;
    const owner = stack.directory.neighbourhoods[0].meters[original.number - 1].owner as Address;
    const importWh = original.importWh + 1500n;
    const twin = correctMeter({ original, tariff: DEMO_NEIGHBOURHOOD.tariff, importWh, exportWh: original.exportWh });
    const expectedChange = twin.credit - twin.debit - (original.credit - original.debit);
    const token = { address: stack.deployment.contracts.creditToken, abi: creditTokenAbi } as const;
    const before = await chain().readContract({ ...token, functionName: "positionOf", args: [owner] });

    await asAccount(operatorAccount, async (page) => {
      const base = `${stack.urls.portal}/operator/intervals/${hood}/${interval}`;
      // Refused fields come back next to the field: the reason is required, import below local is refused.
      await gotoHydrated(page, `${base}?correct=${original.number}&lang=en`);
      await page.getByLabel("Import from the grid (kWh)").fill((Number(importWh) / 1000).toFixed(3));
      await page.getByRole("button", { name: "Check and correct" }).click();
      const reasonError = page.locator('[data-testid="field-error"][data-field="reason"]');
      await reasonError.waitFor();
      assert.equal(await page.locator("#correct-reason").getAttribute("aria-invalid"), "true");
      // The preview shows the twin's change before anything is sent.
      assert.equal(await page.getByTestId("correct-preview").getAttribute("data-change"), String(expectedChange));
      await page.getByLabel("Reason").fill(REASON);
      await page.getByRole("button", { name: "Check and correct" }).click();
      const status = page.getByTestId("correct-status");
      await waitFor(
        "the correction to be confirmed",
        async () => (await status.getAttribute("data-state")) === "confirmed",
        60_000,
      );

      const [corrected] = await chain().getContractEvents({
        address: stack.deployment.contracts.settlementCorrections,
        abi: settlementCorrectionsAbi,
        eventName: "MeterCorrected",
        args: { neighbourhood: hood, interval },
        fromBlock: BigInt(stack.deployment.deployedAtBlock),
        strict: true,
      });
      assert.equal(corrected.args.number, original.number);
      assert.equal(BigInt(corrected.args.importWh), importWh);
      assert.equal(corrected.args.change, expectedChange);
      assert.equal(corrected.args.reason, REASON);
      const after = await chain().readContract({ ...token, functionName: "positionOf", args: [owner] });
      assert.equal(after - before, expectedChange, "the owner's position moved by the twin's change");

      await waitFor(
        "the interval page to list the correction",
        async () => {
          await page.goto(`${base}?lang=en`);
          return (await page.getByTestId("correction").count()) === 1;
        },
        30_000,
      );
      const row = page.getByTestId("correction");
      assert.equal(await row.getAttribute("data-change"), String(expectedChange));
      assert.match(await row.innerText(), /ticket MSB-42/);

      // An invitation issued from the console, then both in the audit log.
      const issued = await page.request.post(`${stack.urls.portal}/operator/invitations/issue`, {
        data: {},
        headers: { origin: stack.urls.portal },
      });
      assert.equal(issued.status(), 200);
      const { issued: invitation } = (await issued.json()) as { issued: { account: string; code: string } };
      await page.goto(`${stack.urls.portal}/operator/audit?lang=en`);
      const correction = page.locator('[data-testid="audit-row"][data-kind="meter.correct"]');
      assert.equal(await correction.count(), 1);
      assert.equal(await correction.getAttribute("data-state"), "confirmed");
      assert.equal(await correction.getAttribute("data-tx"), corrected.transactionHash);
      assert.match(await correction.innerText(), /ticket MSB-42/);
      const invitationRow = page.locator('[data-testid="audit-row"][data-kind="invitation.issue"]');
      assert.equal(await invitationRow.count(), 1);
      assert.doesNotMatch(await invitationRow.innerText(), new RegExp(invitation.code));
      await page.goto(`${stack.urls.portal}/operator/audit?area=corrections&lang=en`);
      assert.equal(await page.locator('[data-testid="audit-row"]').count(), 1);
      assert.equal(await page.locator('[data-testid="audit-row"][data-kind="meter.correct"]').count(), 1);
    });
  });

  it("refuses to erase a household with an active meter, with its message", async () => {
    const household = stack.directory.neighbourhoods[0].meters[1].owner as Address;
    // The household signs in once, so the portal knows its account.
    await asAccount(household, async () => {});
    await asAccount(operatorAccount, async (page) => {
      await gotoHydrated(page, `${stack.urls.portal}/operator/households?lang=en`);
      const row = page.locator(`[data-testid="household-row"][data-account="${household}"]`);
      assert.equal(await row.getAttribute("data-problem"), "erasure.error.activeMeter");
      await row.getByTestId("erase-button").click();
      await row.getByTestId("erase-button").click();
      const status = page.getByTestId("erasure-status");
      await waitFor(
        "the refusal",
        async () => (await status.getAttribute("data-message")) === "erasure.error.activeMeter",
        15_000,
      );
      assert.match(await status.innerText(), /active meter: retire it first/);
      assert.equal(await row.count(), 1, "the account is still there");
    });
  });

  it("has no WCAG 2.1 AA violations on the new pages, in German and English", async () => {
    await asAccount(operatorAccount, async (page) => {
      const [chunk] = await chain().getContractEvents({
        address: stack.deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        eventName: "ChunkSettled",
        args: { neighbourhood: hood, interval },
        fromBlock: BigInt(stack.deployment.deployedAtBlock),
        strict: true,
      });
      const number = decodeChunkResults(chunk.args.results)[0].number;
      const paths = [
        `/operator/intervals/${hood}/${interval}`,
        `/operator/intervals/${hood}/${interval}?correct=${number}`,
        "/operator/audit",
        "/operator/households",
      ];
      for (const path of paths) {
        for (const lang of ["de", "en"]) {
          await gotoHydrated(page, `${stack.urls.portal}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
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
    });
  });

  it("refuses the audit log and the correction's prepare endpoint to a household (403)", async () => {
    const household = stack.directory.neighbourhoods[0].meters[0].owner as Address;
    await asAccount(household, async (page) => {
      const audit = await page.goto(`${stack.urls.portal}/operator/audit?lang=en`);
      assert.equal(audit?.status(), 403);
      assert.equal(await page.getByTestId("audit-row").count(), 0);
      const prepare = await page.request.post(`${stack.urls.portal}/operator/intervals/${hood}/${interval}/correct`, {
        data: { number: 1, importKwh: "1", exportKwh: "0", reason: "x" },
        headers: { origin: stack.urls.portal },
      });
      assert.equal(prepare.status(), 403);
      const erase = await page.request.post(`${stack.urls.portal}/operator/households/erase`, {
        data: { account: household },
        headers: { origin: stack.urls.portal },
      });
      assert.equal(erase.status(), 403);
    });
  });
});
