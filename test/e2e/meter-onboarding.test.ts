/**
 * Onboarding a metering point from the console on the real stack: the operator signs in with a passkey
 * and adds a metering point for a new household in the demo neighbourhood (confirmed with the passkey);
 * the chain has the meter with the owner, the bridge's directory file has the metering point, and the
 * running bridge (no restart) accepts its readings and settles the interval with it; the invitation
 * code shown once lets the new household sign in and see its meter; the metering point id is nowhere
 * in the registration transaction's calldata or logs; a household is refused (403) the prepare
 * endpoint; the meters and neighbourhoods pages pass axe in German and English.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import mqtt, { type MqttClient } from "mqtt";
import type { Page } from "playwright-core";
import { createPublicClient, http, stringToHex, type Address, type Hex } from "viem";
import {
  DEV_ACCOUNT_INDEX,
  INTERVAL_SECONDS,
  decodeChunkResults,
  devAccount,
  intervalOf,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  readMeterDirectory,
} from "@nachbarstrom/core";
import { waitFor } from "../../scripts/stack/processes.ts";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";
import { launchChromium, gotoHydrated } from "./browser.ts";
import { readingsFor } from "./readings.ts";
import { addVirtualAuthenticator, redeemInvitation, signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const operatorAccount = devAccount(DEV_ACCOUNT_INDEX.admin).address;
/** A metering point the demo does not have, written with spaces as people do. */
const METERING_POINT = "DE0009876543210000000000000000042";

describe("the operator onboards a metering point; the running bridge takes its readings", () => {
  let stack: TestStack;
  let client: MqttClient;
  let hood: Hex;
  const interval = intervalOf(Date.now() / 1000) - 12n;
  const chain = () => createPublicClient({ transport: http(stack.deployment.rpcUrl) });
  const metersFile = () => join(stack.runtimeDir, "meters.json");

  before(async () => {
    stack = await startTestStack("meter-onboarding");
    hood = stack.directory.neighbourhoods[0].id as Hex;
    client = await mqtt.connectAsync(stack.urls.mqtt, { clientId: "e2e-meter-onboarding" });
  });

  after(async () => {
    await client?.endAsync();
    await stopTestStack(stack);
  });

  /** Axe over the page at `path` in German and English; no violations. */
  async function assertAccessible(page: Page, path: string) {
    for (const lang of ["de", "en"]) {
      await gotoHydrated(page, `${stack.urls.portal}${path}?lang=${lang}`);
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

  it("registers the meter, writes the directory, settles its readings and invites the household", async () => {
    const browser = await launchChromium();
    let code: string;
    let owner: Address;
    let meterId: Hex;
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, operatorAccount);
      await assertAccessible(page, "/operator/neighbourhoods");
      await assertAccessible(page, "/operator/meters");

      await gotoHydrated(page, `${stack.urls.portal}/operator/meters?lang=en`);
      // A malformed id comes back next to its field.
      await page.getByLabel("Metering point id (Zählpunktbezeichnung)").fill("DE123");
      await page.getByRole("button", { name: "Register metering point" }).click();
      await page.locator('[data-testid="field-error"][data-field="meteringPointId"]').waitFor();
      assert.equal(await page.locator("#onboard-meteringPointId").getAttribute("aria-invalid"), "true");
      // A demo metering point is known already.
      await page
        .getByLabel("Metering point id (Zählpunktbezeichnung)")
        .fill(stack.directory.neighbourhoods[0].meters[0].meteringPointId);
      await page.getByRole("button", { name: "Register metering point" }).click();
      await waitFor(
        "the known metering point to be refused",
        async () =>
          (await page.locator('[data-testid="field-error"]').getAttribute("data-field")) === "meteringPointId" &&
          (await page.locator('[data-testid="field-error"]').innerText()).includes("already"),
        10_000,
      );

      await page.getByLabel("Metering point id (Zählpunktbezeichnung)").fill(METERING_POINT.replace(/(.{11})/g, "$1 "));
      await page.getByLabel("Neighbourhood").selectOption(hood);
      await page.getByLabel("Household", { exact: true }).selectOption("new");
      await page.getByRole("button", { name: "Register metering point" }).click();
      const codeElement = page.getByTestId("onboard-invitation-code");
      await codeElement.waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId("onboard-status").getAttribute("data-state"), "confirmed");
      code = await codeElement.innerText();
      owner = (await page.getByTestId("onboard-invitation-account").innerText()) as Address;

      // The directory file has it; the chain has the meter with the new household as owner.
      const directory = readMeterDirectory(metersFile());
      const entry = directory.neighbourhoods[0].meters.find((m) => m.meteringPointId === METERING_POINT);
      assert.ok(entry, "the metering point is in the bridge's directory");
      assert.equal(entry.owner.toLowerCase(), owner.toLowerCase());
      meterId = entry.meterId as Hex;
      const meter = await chain().readContract({
        address: stack.deployment.contracts.meterRegistry,
        abi: meterRegistryAbi,
        functionName: "meterOf",
        args: [meterId],
      });
      assert.equal(meter.owner.toLowerCase(), owner.toLowerCase());
      assert.equal(meter.neighbourhood, hood);
      assert.equal(meter.active, true);
      assert.equal(meter.number, 13);

      // Shown once: a reload of the page does not show the code again.
      await gotoHydrated(page, `${stack.urls.portal}/operator/meters?lang=en`);
      assert.equal(await page.getByTestId("onboard-invitation-code").count(), 0);
      // The read model follows the chain within a poll.
      await waitFor(
        "the meter list to show the new meter as active",
        async () => {
          await gotoHydrated(page, `${stack.urls.portal}/operator/meters?lang=en`);
          const state = page.locator(`tr[data-meter="${meterId}"] [data-testid="meter-state"]`);
          return (await state.count()) === 1 && (await state.innerText()) === "active";
        },
        30_000,
      );
    } finally {
      await browser.close();
    }

    // The metering point id appears nowhere in the registration transaction: calldata and logs.
    const store = await openAccountsStore({ location: stack.accountsDb });
    let txHash: Hex;
    try {
      const row = await store
        .prepare("SELECT tx_hash, details FROM actions WHERE kind = 'meter.register' AND state = 'confirmed'")
        .get();
      assert.ok(row, "the audit log has the confirmed registration");
      txHash = row.tx_hash as Hex;
      assert.ok(!String(row.details).includes(METERING_POINT), "nor in the audit log's details");
    } finally {
      await store.close();
    }
    const needle = stringToHex(METERING_POINT).slice(2).toLowerCase();
    const tx = await chain().getTransaction({ hash: txHash });
    const receipt = await chain().getTransactionReceipt({ hash: txHash });
    const onChain = [tx.input, ...receipt.logs.flatMap((log) => [log.data, ...log.topics])].join("").toLowerCase();
    assert.ok(onChain.includes(meterId.slice(2).toLowerCase()), "the scan sees the salted meter id");
    assert.ok(!onChain.includes(needle) && !onChain.includes(METERING_POINT.toLowerCase()));

    // The running bridge reloads the directory (at most once a second) and takes the new meter's readings.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const start = Number(interval) * INTERVAL_SECONDS;
    const topic = `nachbarstrom/${stack.directory.neighbourhoods[0].slug}/${METERING_POINT}/reading`;
    const at = (seconds: number) => new Date(seconds * 1000).toISOString();
    const ours = [
      { topic, payload: JSON.stringify({ importWh: 40_000, exportWh: 0, timestamp: at(start) }) },
      {
        topic,
        payload: JSON.stringify({ importWh: 40_321, exportWh: 0, timestamp: at(start + INTERVAL_SECONDS - 1) }),
      },
      { topic, payload: JSON.stringify({ importWh: 40_321, exportWh: 0, timestamp: at(start + INTERVAL_SECONDS) }) },
    ];
    for (const { topic: t, payload } of [...readingsFor(interval), ...ours])
      await client.publishAsync(t, payload, { qos: 1 });
    const settlement = { address: stack.deployment.contracts.neighbourhoodSettlement, abi: neighbourhoodSettlementAbi };
    await waitFor(
      `interval ${interval} to settle`,
      async () =>
        (await chain().readContract({ ...settlement, functionName: "intervalOf", args: [hood, interval] })).settledAt >
        0n,
      90_000,
    );
    const chunks = await chain().getContractEvents({
      ...settlement,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood, interval },
      fromBlock: BigInt(stack.deployment.deployedAtBlock),
      strict: true,
    });
    const results = chunks.flatMap((c) => decodeChunkResults(c.args.results));
    assert.equal(results.length, 13, "every demo meter and the new one");
    const mine = results.find((r) => r.number === 13);
    assert.equal(mine?.importWh, 321n, "the new meter settles with its own energy");

    // The new household redeems the code shown and sees its meter.
    const householdBrowser = await launchChromium();
    try {
      const context = await householdBrowser.newContext();
      const page = await context.newPage();
      await addVirtualAuthenticator(context, page);
      await redeemInvitation(page, stack.urls.portal, code);
      await gotoHydrated(page, `${stack.urls.portal}/household/${owner}?lang=en`);
      assert.equal(await page.locator(`[data-testid="meter"][data-meter="${meterId}"]`).count(), 1);
    } finally {
      await householdBrowser.close();
    }
  });

  it("refuses the prepare endpoints to a household (403)", async () => {
    const household = stack.directory.neighbourhoods[0].meters[1].owner as Address;
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInAs(context, page, stack, household);
      const statuses = await page.evaluate(async () => {
        const post = (url: string, body: unknown) =>
          fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const add = await post("/operator/meters/add", {
          meteringPointId: "DE0009876543210000000000000000043",
          neighbourhood: "0x",
          owner: "new",
        });
        const retire = await post("/operator/meters/retire", { meter: `0x${"1".repeat(64)}` });
        return [add.status, retire.status];
      });
      assert.deepEqual(statuses, [403, 403]);
    } finally {
      await browser.close();
    }
    const directory = readFileSync(metersFile(), "utf8");
    assert.ok(!directory.includes("DE0009876543210000000000000000043"));
  });
});
