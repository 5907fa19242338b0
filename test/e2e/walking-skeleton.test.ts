/**
 * One reading's whole journey through the real stack: Hardhat node, contracts deployed with Ignition,
 * embedded MQTT broker, Node-RED running the shipped flow, and the built portal in Debian's Chromium.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { createPublicClient, http } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  creditTokenAbi,
  devAccount,
  decodeChunkResults,
  intervalOf,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  settleInterval,
  type SettleIntervalReturnType,
} from "@nachbarstrom/core";
import { DEMO_TOP_UP } from "../../scripts/stack/onboard-demo.ts";
import { waitFor } from "../../scripts/stack/processes.ts";
import AxeBuilder from "@axe-core/playwright";
import { launchChromium } from "./browser.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";
import { readingsFor, testEnergy } from "./readings.ts";
import { signInAs } from "./sign-in.ts";

/** The demo's operator: signed in, it may see the console and every household's page. */
const operatorAccount = devAccount(DEV_ACCOUNT_INDEX.admin).address;

describe("a meter reading travels through the real stack to a settled balance in the portal", () => {
  let stack: TestStack;
  let client: MqttClient;
  let runtimeDir: string;
  const rejected: { topic: string; payload: Record<string, unknown> }[] = [];
  // An interval well in the past, so the wall clock plays no part.
  const interval = intervalOf(Date.now() / 1000) - 96n;
  let expected: SettleIntervalReturnType;
  /** The directory entry of meter number `n` (numbered in directory order by onboarding). */
  const ownerOf = (n: number) => stack.directory.neighbourhoods[0].meters[n - 1];

  before(async () => {
    stack = await startTestStack("e2e");
    runtimeDir = stack.runtimeDir;
    client = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-meter-operator" });
    await client.subscribeAsync(`nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/rejected`, { qos: 1 });
    client.on("message", (topic, payload) => rejected.push({ topic, payload: JSON.parse(payload.toString()) }));
    const meters = stack.directory.neighbourhoods[0].meters;
    expected = settleInterval({
      tariff: DEMO_NEIGHBOURHOOD.tariff,
      // Onboarding registers the meters in directory order, so they are numbered 1, 2, … on chain.
      meters: meters.map((_, index) => ({ number: index + 1, ...testEnergy(index) })),
    });
  });

  after(async () => {
    await client?.endAsync();
    await stopTestStack(stack);
  });

  it("rejects bad readings with a reason and keeps running", async () => {
    const base = `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}`;
    const meter = DEMO_NEIGHBOURHOOD.households[0].meteringPointId;
    const timestamp = new Date(Number(interval) * 900_000 - 60_000).toISOString();
    await client.publishAsync(`${base}/${meter}/reading`, "{not json", { qos: 1 });
    await client.publishAsync(`${base}/${meter}/reading`, JSON.stringify({ importWh: 5, timestamp }), { qos: 1 });
    await client.publishAsync(
      `${base}/DE0000000000000000000000000000UNKNOWN/reading`,
      JSON.stringify({ importWh: 5, exportWh: 0, timestamp }),
      { qos: 1 },
    );
    await waitFor("three rejections", async () => rejected.length >= 3, 30_000);
    const reasons = rejected.map((r) => String(r.payload.reason));
    assert.match(reasons[0], /JSON/);
    assert.match(reasons[1], /exportWh/);
    assert.match(reasons[2], /unknown/i);
  });

  it("settles the interval on chain exactly as the reference settlement does", async () => {
    for (const { topic, payload } of readingsFor(interval)) await client.publishAsync(topic, payload, { qos: 1 });
    const { rpcUrl, contracts, deployedAtBlock } = stack.deployment;
    const chain = createPublicClient({ transport: http(rpcUrl) });
    const hood = stack.directory.neighbourhoods[0].id as `0x${string}`;
    await waitFor(
      `interval ${interval} to settle`,
      async () => {
        const record = await chain.readContract({
          address: contracts.neighbourhoodSettlement,
          abi: neighbourhoodSettlementAbi,
          functionName: "intervalOf",
          args: [hood, interval],
        });
        return record.settledAt > 0n;
      },
      60_000,
    );
    const events = await chain.getContractEvents({
      address: contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { interval },
      fromBlock: BigInt(deployedAtBlock),
    });
    assert.deepEqual(
      events.flatMap(({ args }) => decodeChunkResults(args.results!)).sort((x, y) => x.number - y.number),
      expected.meters,
    );
    for (const m of expected.meters) {
      const { meterId, owner } = ownerOf(m.number);
      const registered = await chain.readContract({
        address: contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "meterOf",
        args: [meterId as `0x${string}`],
      });
      assert.equal(registered.number, m.number, `number of meter ${meterId}`);
      const balance = await chain.readContract({
        address: contracts.creditToken,
        abi: creditTokenAbi,
        functionName: "positionOf",
        args: [owner as `0x${string}`],
      });
      assert.equal(balance, BigInt(DEMO_TOP_UP) - m.debit + m.credit, `position of ${owner}`);
    }
  });

  it("shows the settled figures on the household page in headless Chromium", async () => {
    const buyer = expected.meters.find((m) => m.poolBoughtWh > 0n)!;
    const { owner } = ownerOf(buyer.number);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, owner);
      await page.goto(`${stack.urls.portal}/household/${owner}?lang=en`);
      const balance = page.getByTestId("balance");
      assert.equal(await balance.getAttribute("data-value"), String(DEMO_TOP_UP - buyer.debit + buyer.credit));
      assert.match((await balance.innerText()).trim(), /€/);
      const row = page.locator(`[data-testid="interval-row"][data-interval="${interval}"]`);
      assert.equal(await row.count(), 1, "one row for the settled interval");
      assert.equal(await row.getAttribute("data-debit"), String(buyer.debit));
      assert.equal(await row.getAttribute("data-credit"), String(buyer.credit));
      assert.equal(await page.locator("html").getAttribute("lang"), "en");
      await page.goto(`${stack.urls.portal}/household/${owner}?lang=de`);
      assert.equal(await page.locator("html").getAttribute("lang"), "de");
      await page.screenshot({ path: join(runtimeDir, "household.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("shows the bridge's health in the operator console", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, operatorAccount);
      await page.goto(`${stack.urls.portal}/operator/bridge?lang=en`);
      const state = page.getByTestId("bridge-state");
      // "not-configured" here means stack.ts does not pass the bridge's URL to the portal (bridgeUrl).
      assert.equal(await state.getAttribute("data-state"), "healthy", await page.locator("main").innerText());
      assert.match(await state.innerText(), /Healthy/);
      const figure = (id: string) => page.locator(`[data-testid="bridge-figure"][data-figure="${id}"]`);
      const accepted = Number(await figure("readingsAccepted").getAttribute("data-value"));
      assert.ok(Number.isSafeInteger(accepted) && accepted > 0, `readings accepted: ${accepted}`);
      assert.equal(
        (await figure("readingsAccepted").locator("td.num").innerText()).replaceAll(",", ""),
        String(accepted),
      );
      // The first step sent three bad readings.
      assert.ok(Number(await figure("readingsRejected").getAttribute("data-value")) >= 3, "readings rejected");
      assert.equal(
        await page.getByRole("link", { name: "Bridge health" }).getAttribute("aria-current"),
        "page",
        "the navigation marks the bridge view",
      );
      await page.screenshot({ path: join(runtimeDir, "bridge.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("has no WCAG 2.1 AA violations on any page, in German and English", async () => {
    const owner = stack.directory.neighbourhoods[0].meters[0].owner;
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, operatorAccount);
      for (const path of ["/", `/household/${owner}`, "/operator", "/operator/bridge"]) {
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
    } finally {
      await browser.close();
    }
  });
});
