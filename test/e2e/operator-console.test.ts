/**
 * The operator console's read-only views against the real stack: readings for three intervals go
 * through the bridge to the chain, the operator corrects one meter (enough to put its household in
 * debt), and the interval monitor, an interval's page, the debts, the tariffs and the billing CSV
 * must show what the chain holds — in German and English, without WCAG 2.1 AA violations, and
 * refused (403) to a household.
 */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import mqtt, { type MqttClient } from "mqtt";
import type { BrowserContext, Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  INTERVAL_SECONDS,
  creditTokenAbi,
  decodeChunkResults,
  devAccount,
  intervalOf,
  neighbourhoodSettlementAbi,
  settlementCorrectionsAbi,
} from "@nachbarstrom/core";
import { billingMonthOf, firstIntervalOf } from "@nachbarstrom/core/billing-month";
import { waitFor } from "../../scripts/stack/processes.ts";
import { launchChromium } from "./browser.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { testEnergy, type TestReading } from "./readings.ts";
import { signInAs } from "./sign-in.ts";

const operatorAccount = devAccount(DEV_ACCOUNT_INDEX.admin).address;
/** Where the interval monitor's screenshot is kept after the run, for a person to look at. */
const SCREENSHOT = join(tmpdir(), "nachbarstrom-operator-intervals.png");
const PAGES = ["/operator/intervals", "/operator/debts", "/operator/tariffs", "/operator/billing"];

/** Readings for consecutive intervals `first`, first+1, …: the registers carry on from one interval to the next. */
function readingsForIntervals(first: bigint, count: number): TestReading[] {
  const readings: TestReading[] = [];
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  DEMO_NEIGHBOURHOOD.households.forEach((household, index) => {
    const topic = `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/${household.meteringPointId}/reading`;
    let registers = { importWh: 2_000_000 + index * 12_345, exportWh: household.pvKwp > 0 ? 700_000 + index * 999 : 0 };
    for (let k = 0; k < count; k++) {
      const start = Number(first + BigInt(k)) * INTERVAL_SECONDS;
      const { importWh, exportWh } = testEnergy(index);
      readings.push({ topic, payload: JSON.stringify({ ...registers, timestamp: at(start) }) });
      registers = {
        importWh: registers.importWh + Number(importWh) + k,
        exportWh: registers.exportWh + Number(exportWh),
      };
      readings.push({ topic, payload: JSON.stringify({ ...registers, timestamp: at(start + INTERVAL_SECONDS - 1) }) });
    }
    readings.push({
      topic,
      payload: JSON.stringify({ ...registers, timestamp: at(Number(first + BigInt(count)) * INTERVAL_SECONDS) }),
    });
  });
  return readings;
}

/** "-1.005000" → -1_005_000n. */
function euroUnits(text: string): bigint {
  const match = /^(-?)(\d+)\.(\d{6})$/.exec(text);
  assert.ok(match, `euro amount ${text}`);
  const units = BigInt(match[2]) * 1_000_000n + BigInt(match[3]);
  return match[1] ? -units : units;
}

describe("the operator console's read-only views show what the chain holds", () => {
  let stack: TestStack;
  let client: MqttClient;
  let runtimeDir: string;
  let hood: Hex;
  let month: number;
  let intervals: bigint[];
  let treasuryBefore: bigint;
  let treasuryAfter: bigint;
  let correctedInterval: bigint;
  let debtor: Address;
  const chain = () => createPublicClient({ transport: http(stack.deployment.rpcUrl) });
  const token = () => ({ address: stack.deployment.contracts.creditToken, abi: creditTokenAbi }) as const;

  before(async () => {
    stack = await startTestStack("console");
    runtimeDir = stack.runtimeDir;
    client = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-console-meters" });
    hood = stack.directory.neighbourhoods[0].id as Hex;
    // Three intervals well in the past, all in one billing month.
    let last = intervalOf(Date.now() / 1000) - 96n;
    if (billingMonthOf(last - 2n) !== billingMonthOf(last)) last = firstIntervalOf(billingMonthOf(last)) - 1n;
    intervals = [last - 2n, last - 1n, last];
    month = billingMonthOf(last);
    correctedInterval = intervals[1];
  });

  after(async () => {
    await client?.endAsync();
    await stopTestStack(stack);
  });

  it("settles three intervals and a correction that puts a household in debt", async () => {
    treasuryBefore = await chain().readContract({ ...token(), functionName: "treasuryPosition" });
    for (const { topic, payload } of readingsForIntervals(intervals[0], intervals.length)) {
      await client.publishAsync(topic, payload, { qos: 1 });
    }
    for (const interval of intervals) {
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
    }
    // The operator corrects the first consumer's meter: 200 kWh more from the grid than reported.
    const [chunk] = await chain().getContractEvents({
      address: stack.deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood, interval: correctedInterval },
      fromBlock: BigInt(stack.deployment.deployedAtBlock),
      strict: true,
    });
    const results = decodeChunkResults(chunk.args.results);
    const position = results.findIndex((m) => m.exportWh === 0n);
    const meter = results[position];
    debtor = stack.directory.neighbourhoods[0].meters[meter.number - 1].owner as Address;
    const wallet = createWalletClient({
      account: devAccount(DEV_ACCOUNT_INDEX.admin),
      transport: http(stack.deployment.rpcUrl),
    });
    const hash = await wallet.writeContract({
      chain: null,
      address: stack.deployment.contracts.settlementCorrections,
      abi: settlementCorrectionsAbi,
      functionName: "correctMeter",
      args: [
        hood,
        correctedInterval,
        chunk.args.chunk,
        chunk.args.results,
        BigInt(position),
        Number(meter.importWh) + 200_000,
        Number(meter.exportWh),
        "replacement value from the meter operator",
      ],
    });
    assert.equal((await chain().waitForTransactionReceipt({ hash })).status, "success");
    treasuryAfter = await chain().readContract({ ...token(), functionName: "treasuryPosition" });
    assert.ok((await chain().readContract({ ...token(), functionName: "positionOf", args: [debtor] })) < 0n, "in debt");
  });

  /** A browser context signed in as `account`, for `use`. */
  async function asAccount(
    account: Address,
    use: (page: Page, context: BrowserContext) => Promise<void>,
  ): Promise<void> {
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

  it("shows every settled interval and its details as the chain's events say, in both languages", async () => {
    const settled = await chain().getContractEvents({
      address: stack.deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "IntervalSettled",
      args: { neighbourhood: hood },
      fromBlock: BigInt(stack.deployment.deployedAtBlock),
      strict: true,
    });
    await asAccount(operatorAccount, async (page) => {
      for (const lang of ["de", "en"]) {
        await page.goto(`${stack.urls.portal}/operator/intervals?lang=${lang}`);
        assert.equal(await page.locator("html").getAttribute("lang"), lang);
        for (const interval of intervals) {
          const event = settled.find((e) => e.args.interval === interval);
          assert.ok(event, `IntervalSettled of ${interval}`);
          const row = page.locator(`[data-testid="monitor-row"][data-interval="${interval}"]`);
          assert.equal(await row.count(), 1, `row of ${interval}`);
          assert.equal(await row.getAttribute("data-commitment"), event.args.commitment);
          assert.equal(await row.getAttribute("data-meters"), String(event.args.meterCount));
          assert.equal(await row.getAttribute("data-registered"), String(DEMO_NEIGHBOURHOOD.households.length));
          assert.equal(await row.getAttribute("data-import"), String(event.args.importWh));
          assert.equal(await row.getAttribute("data-export"), String(event.args.exportWh));
          assert.equal(await row.getAttribute("data-local"), String(event.args.localWh));
          assert.equal(await row.getAttribute("data-corrections"), interval === correctedInterval ? "1" : "0");
          assert.ok((await row.innerText()).includes(event.transactionHash.slice(0, 6)), "the settling transaction");
        }
        if (lang === "en") await page.screenshot({ path: SCREENSHOT, fullPage: true });
        // Filtered to the day of the last interval (German time), the first rows are ours.
        const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(
          new Date(Number(intervals[2]) * 900_000),
        );
        await page.goto(`${stack.urls.portal}/operator/intervals?lang=${lang}&neighbourhood=${hood}&date=${day}`);
        assert.equal(await page.locator(`[data-testid="monitor-row"][data-interval="${intervals[2]}"]`).count(), 1);
      }
      // The corrected interval's page: per-meter results as ChunkSettled carried them, the correction and who made it.
      const chunks = await chain().getContractEvents({
        address: stack.deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        eventName: "ChunkSettled",
        args: { neighbourhood: hood, interval: correctedInterval },
        fromBlock: BigInt(stack.deployment.deployedAtBlock),
        strict: true,
      });
      const expected = chunks.flatMap((c) => decodeChunkResults(c.args.results));
      for (const lang of ["de", "en"]) {
        await page.goto(`${stack.urls.portal}/operator/intervals?lang=${lang}`);
        await page.locator(`[data-testid="monitor-row"][data-interval="${correctedInterval}"] th a`).click();
        await page.waitForURL(`**/operator/intervals/${hood}/${correctedInterval}`);
        const rows = page.getByTestId("meter-result");
        assert.equal(await rows.count(), expected.length);
        for (const m of expected) {
          const row = page.locator(`[data-testid="meter-result"][data-number="${m.number}"]`);
          assert.equal(await row.getAttribute("data-debit"), String(m.debit));
          assert.equal(await row.getAttribute("data-credit"), String(m.credit));
          assert.equal(await row.getAttribute("data-import"), String(m.importWh));
        }
        const correction = page.getByTestId("correction");
        assert.equal(await correction.count(), 1);
        const text = await correction.innerText();
        assert.match(text, /replacement value from the meter operator/);
        assert.ok(text.toLowerCase().includes(operatorAccount.slice(0, 6).toLowerCase()), `corrector in ${text}`);
        const [corrected] = await chain().getContractEvents({
          address: stack.deployment.contracts.settlementCorrections,
          abi: settlementCorrectionsAbi,
          eventName: "MeterCorrected",
          fromBlock: BigInt(stack.deployment.deployedAtBlock),
          strict: true,
        });
        assert.equal(await correction.getAttribute("data-change"), String(corrected.args.change));
        assert.equal(
          await page.getByTestId("commitment").innerText(),
          settled.find((e) => e.args.interval === correctedInterval)!.args.commitment,
        );
      }
    });
  });

  it("lists the households in debt with their positions on the chain, and the tariffs", async () => {
    await asAccount(operatorAccount, async (page) => {
      for (const lang of ["de", "en"]) {
        await page.goto(`${stack.urls.portal}/operator/debts?lang=${lang}`);
        const rows = page.getByTestId("debt-row");
        assert.ok((await rows.count()) >= 1);
        let previous: bigint | undefined;
        for (const row of await rows.all()) {
          const account = (await row.getAttribute("data-account")) as Address;
          const debt = BigInt((await row.getAttribute("data-debt"))!);
          const position = await chain().readContract({ ...token(), functionName: "positionOf", args: [account] });
          assert.equal(debt, -position, `debt of ${account}`);
          if (previous !== undefined) assert.ok(debt <= previous, "largest debt first");
          previous = debt;
        }
        const mine = page.locator(`[data-testid="debt-row"][data-account="${debtor}"]`);
        assert.equal(await mine.count(), 1, `the corrected household ${debtor} is listed`);
        assert.ok((await mine.locator("time").count()) === 1, "since when is derivable");

        await page.goto(`${stack.urls.portal}/operator/tariffs?lang=${lang}`);
        const current = page.locator('[data-testid="tariff-row"][data-state="current"]');
        assert.equal(await current.count(), 1);
        assert.equal(await current.getAttribute("data-grid-energy"), String(DEMO_NEIGHBOURHOOD.tariff.gridEnergy));
      }
    });
  });

  it("exports the month as CSV whose net adds up to minus the treasury's change", async () => {
    await asAccount(operatorAccount, async (page, context) => {
      await page.goto(`${stack.urls.portal}/operator/billing?lang=en`);
      const monthText = `${Math.floor(month / 100)}-${String(month % 100).padStart(2, "0")}`;
      await page.getByLabel("Billing month").fill(monthText);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("billing-download").click(),
      ]);
      assert.equal(download.suggestedFilename(), `nachbarstrom-billing-${monthText}.csv`);
      const response = await context.request.get(`${stack.urls.portal}/operator/billing.csv?month=${monthText}`);
      assert.equal(response.status(), 200);
      assert.match(response.headers()["content-type"], /^text\/csv/);
      const [header, ...lines] = (await response.text()).trimEnd().split("\r\n");
      const columns = header.split(",");
      assert.deepEqual(columns.slice(0, 3), ["month", "account", "meters"]);
      const rows = lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [columns[i], v])));
      assert.equal(rows.length, stack.directory.neighbourhoods[0].meters.length, "one row per household");
      const net = rows.reduce((sum, r) => sum + euroUnits(r.net_eur), 0n);
      // Settlement and corrections clear every euro through the treasury (ADR 0002).
      assert.equal(net, -(treasuryAfter - treasuryBefore), "Σ net = −Δ treasury");
      for (const r of rows) {
        assert.equal(
          euroUnits(r.net_eur),
          euroUnits(r.credit_eur) - euroUnits(r.debit_eur) + euroUnits(r.cost_cap_credit_eur),
        );
      }
      const bad = await context.request.get(`${stack.urls.portal}/operator/billing.csv?month=2026-13`);
      assert.equal(bad.status(), 400);
    });
  });

  it("has no WCAG 2.1 AA violations on the new pages, in German and English", async () => {
    await asAccount(operatorAccount, async (page) => {
      for (const path of ["/operator", ...PAGES, `/operator/intervals/${hood}/${correctedInterval}`]) {
        for (const lang of ["de", "en"]) {
          await page.goto(`${stack.urls.portal}${path}?lang=${lang}`);
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

  it("refuses the views and the export to a household (403)", async () => {
    const household = stack.directory.neighbourhoods[0].meters[0].owner as Address;
    await asAccount(household, async (page, context) => {
      for (const path of [...PAGES, `/operator/intervals/${hood}/${correctedInterval}`]) {
        const response = await page.goto(`${stack.urls.portal}${path}?lang=en`);
        assert.equal(response?.status(), 403, path);
      }
      const csv = await context.request.get(`${stack.urls.portal}/operator/billing.csv?month=2026-01`);
      assert.equal(csv.status(), 403);
      assert.doesNotMatch(await csv.text(), /account,meters/);
    });
  });
});
