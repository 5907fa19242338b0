/**
 * Power contracts on the real stack: a household with PV offers its neighbour a contract through the
 * portal's form (a refused cap first), the neighbour accepts, the contract's first interval settles,
 * and both see what it delivered — as much as core's contractDeliveries says for that interval's
 * energy, and all the buyer bought locally. Another household's accept is refused; the contracts and
 * preferences pages pass axe in German and English; a price limit is set through the preferences form.
 *
 * The contract's interval is settled through the bridge's own chain client (the port its outbox uses),
 * not by publishing readings: a contract starts at the earliest tomorrow at German midnight, and the
 * bridge refuses readings more than 300 s ahead of the wall clock (MAX_FUTURE_SECONDS).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { createPublicClient, createTestClient, http, keccak256, toBytes, type Address, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  contractDeliveries,
  intervalOf,
  neighbourhoodSettlementAbi,
  decodeChunkResults,
  settleInterval,
} from "@nachbarstrom/core";
import { createSettlementPort } from "../../meter-bridge/src/chain-client.ts";
import { devPrivateKey } from "../../scripts/stack/stack.ts";
import { waitFor } from "../../scripts/stack/processes.ts";
import { dayOf, dayRange, shiftDay } from "../../web/src/lib/server/statements/calendar.ts";
import { axeViolations, gotoHydrated, launchChromium } from "./browser.ts";
import { testEnergy } from "./readings.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

const SELLER = DEMO_NEIGHBOURHOOD.households.findIndex((h) => h.pvKwp > 0);
const BUYER = DEMO_NEIGHBOURHOOD.households.findIndex((h) => h.pvKwp === 0);
const CAP_WH = 500n;
const PRICE = 220_000n;

describe("power contracts between two households", () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack("power-contracts");
  });

  after(async () => {
    await stopTestStack(stack);
  });

  it("offer, accept, settle: both see the delivery; refusals and accessibility", async () => {
    const hood = stack.directory.neighbourhoods[0];
    const seller = hood.meters[SELLER];
    const buyer = hood.meters[BUYER];
    const portal = stack.urls.portal;
    const tomorrow = shiftDay(dayOf(intervalOf(Date.now() / 1000)), 1);
    const validFrom = dayRange(tomorrow).from;
    const contractsUrl = (owner: string, lang = "en") => `${portal}/household/${owner}/contracts?lang=${lang}`;
    // The energy of the contract's first interval: every demo household as testEnergy says.
    const meters = hood.meters.map((_, index) => ({ number: index + 1, ...testEnergy(index) }));
    assert.ok(testEnergy(BUYER).importWh <= CAP_WH && testEnergy(BUYER).importWh <= testEnergy(SELLER).exportWh);

    const browser = await launchChromium();
    try {
      const open = async (owner: Address): Promise<[BrowserContext, Page]> => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await signInAs(context, page, stack, owner);
        return [context, page];
      };
      const [sellerContext, sellerPage] = await open(seller.owner as Address);
      const [, buyerPage] = await open(buyer.owner as Address);
      const contractRow = (page: Page, group: string) =>
        page.locator(`[data-testid="contract-group"][data-group="${group}"] [data-testid="contract"]`);
      /** Reloads `page` until the read model shows a contract in `group`. */
      const waitForGroup = (page: Page, owner: string, group: string) =>
        waitFor(
          `a contract in "${group}" for ${owner}`,
          async () => {
            await gotoHydrated(page, contractsUrl(owner));
            return (await contractRow(page, group).count()) === 1;
          },
          30_000,
        );

      // The seller offers; a cap of 0 is refused next to its field first.
      await gotoHydrated(sellerPage, contractsUrl(seller.owner));
      assert.equal(
        await sellerPage.getByTestId("my-meter-id").getAttribute("data-meter"),
        seller.meterId,
        "the seller's own id is shown to pass on",
      );
      await sellerPage.getByLabel("The neighbour's meter (short id)").selectOption(buyer.meterId);
      await sellerPage.getByLabel("Price in ct/kWh").fill("22");
      await sellerPage.getByLabel("At most kWh per quarter hour").fill("0");
      await sellerPage.getByLabel("Starts on").fill(tomorrow);
      await sellerPage.getByLabel("Ends on").fill(shiftDay(tomorrow, 2));
      await sellerPage.getByTestId("offer-submit").click();
      const capError = sellerPage.locator('[data-testid="field-error"][data-field="cap"]');
      await capError.waitFor();
      assert.match(await capError.innerText(), /more than 0/);
      assert.equal(await sellerPage.getByLabel("At most kWh per quarter hour").getAttribute("aria-invalid"), "true");

      await sellerPage.getByLabel("At most kWh per quarter hour").fill("0,5");
      await sellerPage.getByTestId("offer-submit").click();
      await sellerPage.locator('[data-testid="offer-status"][data-state="confirmed"]').waitFor({ timeout: 30_000 });
      await waitForGroup(sellerPage, seller.owner, "myOffers");
      const id = await contractRow(sellerPage, "myOffers").getAttribute("data-id");
      assert.ok(id);

      // Nobody accepts for the buyer: not on the buyer's address, not with the seller's own.
      const post = (owner: string) =>
        sellerContext.request.post(`${portal}/household/${owner}/contracts/accept`, {
          data: { id },
          headers: { origin: new URL(portal).origin, "content-type": "application/json" },
        });
      assert.equal((await post(buyer.owner)).status(), 403, "another household's address");
      const own = await post(seller.owner);
      assert.equal(own.status(), 403, "the seller's own address");
      assert.equal(((await own.json()) as { problem: string }).problem, "contracts.error.notBuyer");

      // The buyer sees the offer and accepts it.
      await waitForGroup(buyerPage, buyer.owner, "toAccept");
      assert.equal(await contractRow(buyerPage, "toAccept").getAttribute("data-other"), seller.meterId);
      await buyerPage.getByTestId("contract-accept").click();
      await buyerPage
        .locator('[data-testid="contract-accept-status"][data-state="confirmed"]')
        .waitFor({ timeout: 30_000 });
      await waitForGroup(buyerPage, buyer.owner, "active");
      assert.equal(await contractRow(buyerPage, "active").getAttribute("data-valid-from"), String(validFrom));

      // The contract's first interval settles, with the chain's clock moved past its end.
      const transport = http(stack.deployment.rpcUrl);
      const testClient = createTestClient({ transport, mode: "hardhat" });
      const chain = createPublicClient({ transport });
      const { timestamp } = await chain.getBlock();
      await testClient.increaseTime({ seconds: Number((validFrom + 1n) * 900n - timestamp + 1n) });
      await testClient.mine({ blocks: 1 });
      const port = createSettlementPort({
        deployment: stack.deployment,
        privateKey: devPrivateKey(DEV_ACCOUNT_INDEX.bridge),
        pollingIntervalMs: 100,
      });
      const batch = {
        neighbourhood: hood.slug,
        neighbourhoodId: hood.id as Hex,
        interval: validFrom,
        commitment: keccak256(toBytes(`power-contracts-${validFrom}`)),
        meters: hood.meters
          .map((m, index) => ({ meter: m.meterId as Hex, ...testEnergy(index) }))
          .sort((a, b) => (a.meter < b.meter ? -1 : 1)),
        readings: [],
        closedBy: "complete" as const,
        missing: [],
      };
      assert.equal((await port.waitForReceipt(await port.settle(batch))).status, "success");

      // What core says the contract delivered, and what the chain booked for the buyer.
      const contract = { id: BigInt(id), seller: SELLER + 1, buyer: BUYER + 1, pricePerKwh: PRICE, capWh: CAP_WH };
      const twin = settleInterval({ tariff: DEMO_NEIGHBOURHOOD.tariff, meters, contracts: [contract] });
      const expected = twin.chunks.flatMap((chunk) => contractDeliveries({ meters: chunk, contracts: [contract] }));
      assert.equal(expected.length, 1);
      const delivered = expected[0].wh;
      const events = await chain.getContractEvents({
        address: stack.deployment.contracts.neighbourhoodSettlement,
        abi: neighbourhoodSettlementAbi,
        eventName: "ChunkSettled",
        fromBlock: 0n,
      });
      const booked = events
        .filter((e) => e.args.interval === validFrom)
        .flatMap((e) => decodeChunkResults(e.args.results!))
        .find((r) => r.number === BUYER + 1)!;
      assert.equal(booked.contractBoughtWh, delivered, "the chain served the contract as core computes");
      assert.equal(booked.contractBoughtWh + booked.poolBoughtWh, delivered, "all the buyer bought locally");
      assert.equal(delivered, testEnergy(BUYER).importWh);

      // Both households see the delivery, once the read model has the chunk.
      for (const [page, owner] of [
        [buyerPage, buyer.owner],
        [sellerPage, seller.owner],
      ] as const) {
        await waitFor(
          `${owner} to see the delivery`,
          async () => {
            await gotoHydrated(page, contractsUrl(owner));
            return (await contractRow(page, "active").getAttribute("data-delivered-wh")) === String(delivered);
          },
          30_000,
        );
        const day = contractRow(page, "active").getByTestId("delivery-day");
        assert.equal(await day.getAttribute("data-day"), tomorrow);
        assert.equal(await day.getAttribute("data-wh"), String(delivered));
      }

      // The buyer sets a price limit for the pool.
      await gotoHydrated(buyerPage, `${portal}/household/${buyer.owner}/preferences?lang=en`);
      await buyerPage.getByLabel("Highest price to buy from the pool (ct/kWh, gross)").fill("45,5");
      await buyerPage.getByTestId("preferences-submit").click();
      await buyerPage
        .locator('[data-testid="preferences-status"][data-state="confirmed"]')
        .waitFor({ timeout: 30_000 });
      await waitFor(
        "the new limit on the preferences page",
        async () => {
          await gotoHydrated(buyerPage, `${portal}/household/${buyer.owner}/preferences?lang=en`);
          return (await buyerPage.getByTestId("current-max-buy").getAttribute("data-units")) === "455000";
        },
        30_000,
      );

      // Both pages, in both languages, for the buyer (contracts and limits to show).
      for (const path of ["contracts", "preferences"]) {
        for (const lang of ["de", "en"]) {
          await gotoHydrated(buyerPage, `${portal}/household/${buyer.owner}/${path}?lang=${lang}`);
          assert.deepEqual(await axeViolations(buyerPage), [], `${path} (${lang})`);
        }
      }
    } finally {
      await browser.close();
    }
  });
});
