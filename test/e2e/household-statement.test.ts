/**
 * The household's flows, monthly statement and CSV on the real stack: two intervals published through
 * the bridge, settled on chain, checked in the portal against the reference settlement, in German and
 * English, with axe; another household's statement is refused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import mqtt, { type MqttClient } from "mqtt";
import { createPublicClient, http } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  INTERVAL_SECONDS,
  billingMonthOf,
  intervalOf,
  neighbourhoodSettlementAbi,
  settleInterval,
  type SettleIntervalReturnType,
} from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { gridOnlyCost } from "../../web/src/lib/server/statements/breakdown.ts";
import { dayOf, monthParam } from "../../web/src/lib/server/statements/calendar.ts";
import { toCents } from "../../web/src/lib/server/statements/statement-lines.ts";
import { launchChromium } from "./browser.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { testEnergy } from "./readings.ts";
import { signInAs } from "./sign-in.ts";

const COUNT = 2;

/** Readings for COUNT consecutive intervals from `first`: registers rise by testEnergy each interval. */
function readings(first: bigint): { topic: string; payload: string }[] {
  const out: { topic: string; payload: string }[] = [];
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  DEMO_NEIGHBOURHOOD.households.forEach((household, index) => {
    const topic = `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/${household.meteringPointId}/reading`;
    const { importWh, exportWh } = testEnergy(index);
    const register = (k: number) => ({
      importWh: 2_000_000 + index * 12_345 + k * Number(importWh),
      exportWh: (household.pvKwp > 0 ? 700_000 + index * 999 : 0) + k * Number(exportWh),
    });
    for (let k = 0; k <= COUNT; k++) {
      const start = Number(first + BigInt(k)) * INTERVAL_SECONDS;
      out.push({ topic, payload: JSON.stringify({ ...register(k), timestamp: at(start) }) });
      if (k < COUNT) out.push({ topic, payload: JSON.stringify({ ...register(k + 1), timestamp: at(start + 899) }) });
    }
  });
  return out;
}

describe("a household's flows, statement and CSV", () => {
  let stack: TestStack;
  let client: MqttClient;
  let runtimeDir: string;
  // Two intervals of today (or yesterday just after midnight), two hours back.
  const first = intervalOf(Date.now() / 1000) - 8n;
  const day = dayOf(first);
  const month = monthParam(billingMonthOf(first));
  let settled: SettleIntervalReturnType[];
  const meterOf = (n: number) => stack.directory.neighbourhoods[0].meters[n - 1];

  before(async () => {
    stack = await startTestStack("statement");
    runtimeDir = stack.runtimeDir;
    client = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-statement" });
    const meters = stack.directory.neighbourhoods[0].meters;
    const one = settleInterval({
      tariff: DEMO_NEIGHBOURHOOD.tariff,
      meters: meters.map((_, index) => ({ number: index + 1, ...testEnergy(index) })),
    });
    settled = Array.from({ length: COUNT }, () => one);
    for (const { topic, payload } of readings(first)) await client.publishAsync(topic, payload, { qos: 1 });
    const chain = createPublicClient({ transport: http(stack.deployment.rpcUrl) });
    const hood = stack.directory.neighbourhoods[0].id as `0x${string}`;
    for (let k = 0n; k < BigInt(COUNT); k++) {
      await waitFor(
        `interval ${first + k} to settle`,
        async () => {
          const record = await chain.readContract({
            address: stack.deployment.contracts.neighbourhoodSettlement,
            abi: neighbourhoodSettlementAbi,
            functionName: "intervalOf",
            args: [hood, first + k],
          });
          return record.settledAt > 0n;
        },
        90_000,
      );
    }
  });

  after(async () => {
    await client?.endAsync();
    await stopTestStack(stack);
  });

  it("shows flows, statement and CSV that match the reference settlement, and refuses another household", async () => {
    const buyer = settled[0].meters.find((m) => m.poolBoughtWh > 0n && m.exportWh === 0n)!;
    const producer = settled[0].meters.find(
      (m) => m.poolSoldWh > 0n && meterOf(m.number).owner !== meterOf(buyer.number).owner,
    )!;
    const { owner } = meterOf(buyer.number);
    const other = meterOf(producer.number).owner;
    assert.notEqual(owner.toLowerCase(), other.toLowerCase());
    const debits = BigInt(COUNT) * buyer.debit;
    const gridOnly = BigInt(COUNT) * gridOnlyCost(buyer.importWh, DEMO_NEIGHBOURHOOD.tariff);

    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, owner as `0x${string}`);
      const portal = stack.urls.portal;

      // Flows: the read model may lag a poll behind settlement.
      await waitFor(
        "the flows page to show both intervals",
        async () => {
          await page.goto(`${portal}/household/${owner}/flows?day=${day}&lang=en`);
          return (await page.getByTestId("flow-row").count()) === COUNT;
        },
        30_000,
      );
      for (let k = 0; k < COUNT; k++) {
        const row = page.locator(`[data-testid="flow-row"][data-interval="${first + BigInt(k)}"]`);
        assert.equal(await row.getAttribute("data-debit"), String(buyer.debit));
        assert.equal(await row.getAttribute("data-credit"), String(buyer.credit));
      }
      const paid = page.locator('[data-testid="total"][data-total="paid"]');
      assert.equal(await paid.getAttribute("data-day"), String(debits));
      assert.equal(
        await page.locator('[data-testid="total"][data-total="grid-only"]').getAttribute("data-day"),
        String(gridOnly),
      );
      assert.equal(await page.locator("svg[role=img] title").count(), 1, "the chart has a title");

      // Statement, in both languages.
      for (const lang of ["de", "en"]) {
        await page.goto(`${portal}/household/${owner}/statement?month=${month}&lang=${lang}`);
        const total = page.getByTestId("purchases-total");
        assert.equal(await total.getAttribute("data-exact"), String(debits), `paid (${lang})`);
        assert.equal(await total.getAttribute("data-cents"), String(toCents(debits)));
        const cents = await page
          .getByTestId("purchases-line")
          .evaluateAll((rows) => rows.map((r) => BigInt(r.getAttribute("data-cents")!)));
        assert.equal(
          cents.reduce((a, b) => a + b, 0n),
          toCents(debits),
          `lines add up (${lang})`,
        );
        assert.equal(await page.getByTestId("grid-only").getAttribute("data-cents"), String(toCents(gridOnly)));
        assert.equal(
          await page.getByTestId("saving").getAttribute("data-cents"),
          String(toCents(gridOnly) - toCents(debits)),
        );
        const summary = await page
          .getByTestId("summary-line")
          .evaluateAll((rows) => rows.map((r) => BigInt(r.getAttribute("data-cents")!)));
        assert.equal(
          String(summary.reduce((a, b) => a + b, 0n)),
          await page.getByTestId("summary-total").getAttribute("data-cents"),
        );
        assert.equal(await page.locator("html").getAttribute("lang"), lang);
      }
      await page.screenshot({ path: join(runtimeDir, "statement.png"), fullPage: true });
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(runtimeDir, "statement-print.png"), fullPage: true });
      await page.emulateMedia({ media: "screen" });
      if (process.env.STATEMENT_SCREENSHOT_DIR) {
        await page.screenshot({ path: join(process.env.STATEMENT_SCREENSHOT_DIR, "statement.png"), fullPage: true });
        await page.emulateMedia({ media: "print" });
        await page.screenshot({
          path: join(process.env.STATEMENT_SCREENSHOT_DIR, "statement-print.png"),
          fullPage: true,
        });
        await page.emulateMedia({ media: "screen" });
        await page.goto(`${portal}/household/${owner}/flows?day=${day}&lang=de`);
        await page.screenshot({ path: join(process.env.STATEMENT_SCREENSHOT_DIR, "flows.png"), fullPage: true });
      }

      // CSV: one row per meter and interval, euros with a dot, adding up to the statement.
      const response = await context.request.get(`${portal}/household/${owner}/statement.csv?month=${month}`);
      assert.equal(response.status(), 200);
      assert.match(response.headers()["content-type"], /^text\/csv; charset=utf-8/);
      const [header, ...lines] = (await response.text()).trimEnd().split("\r\n");
      const columns = header.split(",");
      assert.equal(lines.length, COUNT);
      const column = (name: string) => lines.map((line) => line.split(",")[columns.indexOf(name)]);
      assert.ok(column("paid_eur").every((v) => /^\d+\.\d{6}$/.test(v)));
      const units = (name: string) => column(name).reduce((a, v) => a + BigInt(v.replace(".", "")), 0n);
      assert.equal(units("paid_eur"), debits);
      assert.equal(units("grid_only_eur"), gridOnly);
      assert.equal(
        column("import_wh").reduce((a, v) => a + BigInt(v), 0n),
        BigInt(COUNT) * buyer.importWh,
      );

      // Accessibility of the new pages.
      for (const path of [`/household/${owner}/flows?day=${day}&`, `/household/${owner}/statement?month=${month}&`]) {
        for (const lang of ["de", "en"]) {
          await page.goto(`${portal}${path}lang=${lang}`);
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

      // Another household's pages and CSV are refused.
      for (const path of [`statement?month=${month}`, "flows"]) {
        const refused = await page.goto(`${portal}/household/${other}/${path}`);
        assert.equal(refused?.status(), 403, path);
        assert.equal(await page.getByTestId("purchases-total").count(), 0);
      }
      const csv = await context.request.get(`${portal}/household/${other}/statement.csv?month=${month}`);
      assert.equal(csv.status(), 403);
      assert.doesNotMatch(await csv.text(), /paid_eur/);
    } finally {
      await browser.close();
    }
  });
});
