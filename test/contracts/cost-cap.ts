/**
 * CostCap on the chain (EDR via viem): in a neighbourhood with the cap, at the close of a billing month
 * no household meter has paid more than grid-only supply would have cost it; the difference is credited
 * from the treasury, once, and again only for what late intervals or corrections added. BillingMonth on
 * chain agrees with the TypeScript twin.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toBytes, type Hex } from "viem";
import {
  DEMO_TARIFF,
  billingMonthOf,
  decodeChunkResults,
  firstIntervalOf,
  neighbourhoodId,
  nextBillingMonth,
  planBatch,
  pricesOf,
  readSettlementInputs,
  type ChunkResult,
  type Tariff,
} from "@nachbarstrom/core";
import { random } from "./random.ts";
import { deploySystem } from "./system.ts";

const METERS = 6;
/** Pool energy dearer than the grid: community 38 ct + local fees against a grid price of 30 ct net. */
const DEAR_POOL: Tariff = { ...DEMO_TARIFF, gridEnergy: 150_000n, gridFee: 50_000n, communityPrice: 380_000n };

describe("CostCap", async () => {
  const { viem, networkHelpers } = await network.create();
  const [admin, bridge, treasury, stranger, ...households] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const a = (w: { account: { address: Hex } }) => w.account.address;
  const system = await deploySystem(viem, { admin: a(admin), bridge: a(bridge), treasury: a(treasury) });
  const { registry, credit, tariffs, settlement, corrections, costCap, deployment } = system;

  const capped = neighbourhoodId("capped");
  const uncapped = neighbourhoodId("uncapped");
  for (const [hood, cap] of [
    [capped, true],
    [uncapped, false],
  ] as const) {
    await registry.write.registerNeighbourhood([
      hood,
      { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: cap },
    ]);
    await tariffs.write.setInitialTariff([hood, DEAR_POOL, 0n]);
  }
  const meterIds = Array.from({ length: METERS }, (_, i) => keccak256(toBytes(`cap-meter-${i}`)));
  for (const [i, meter] of meterIds.entries()) await registry.write.registerMeter([meter, capped, a(households[i])]);
  await registry.write.registerMeter([keccak256(toBytes("elsewhere")), uncapped, a(households[0])]);
  const ownerOf = (number: number) => a(households[number - 1]);
  const { gridNet, vatFactor } = pricesOf(DEAR_POOL);
  const gridOnly = (m: ChunkResult) => (m.importWh * gridNet * vatFactor) / 10_000_000n;

  // A month that starts after the chain's clock; its first intervals are settled below.
  const now = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900));
  const month = nextBillingMonth(billingMonthOf(now));
  const first = firstIntervalOf(month);
  const monthEnd = firstIntervalOf(nextBillingMonth(month));
  await networkHelpers.time.increaseTo(Number(first + 12n) * 900);

  const settledResults: { interval: bigint; chunk: number; results: Hex }[] = [];
  const expected = new Map<number, { paid: bigint; gridOnly: bigint }>();
  async function settle(interval: bigint, seed: number) {
    const rng = random(seed);
    const energy = meterIds.map((meter) => ({
      meter,
      importWh: BigInt(rng.int(3000)),
      exportWh: rng.chance(0.5) ? 0n : BigInt(rng.int(4000)),
    }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment,
      neighbourhoodId: capped,
      interval,
      meters: energy,
    });
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: capped,
      interval,
      commitment: keccak256(toBytes(`cap-${interval}`)),
      gas: { base: 0, perMeter: 1, perContract: 0, budget: 4 },
    });
    for (const [index, chunk] of chunks.entries()) {
      const hash = await settlement.write.settleChunk([capped, interval, header, index, chunk], {
        account: bridge.account,
      });
      const logs = (await publicClient.waitForTransactionReceipt({ hash })).logs;
      const [event] = parseEventLogs({ abi: settlement.abi, logs, eventName: "ChunkSettled" });
      settledResults.push({ interval, chunk: index, results: event.args.results });
      for (const m of decodeChunkResults(event.args.results)) {
        const sums = expected.get(m.number) ?? { paid: 0n, gridOnly: 0n };
        expected.set(m.number, { paid: sums.paid + m.debit, gridOnly: sums.gridOnly + gridOnly(m) });
      }
    }
  }
  for (let k = 0n; k < 10n; k++) await settle(first + k, Number(k) + 1);
  const numbers = Array.from({ length: METERS }, (_, i) => i + 1);

  async function positions() {
    const state = new Map<Hex, bigint>([[a(treasury), await credit.read.treasuryPosition()]]);
    for (const n of numbers) state.set(ownerOf(n), await credit.read.positionOf([ownerOf(n)]));
    return state;
  }

  it("keeps the month's sums per meter: Σ debit and Σ grid-only cost", async () => {
    for (const n of numbers) {
      const account = await costCap.read.monthAccountOf([capped, month, n]);
      assert.equal(account.paid, expected.get(n)!.paid, `paid by meter ${n}`);
      assert.equal(account.gridOnly, expected.get(n)!.gridOnly, `grid-only cost of meter ${n}`);
      assert.ok(account.paid > account.gridOnly, "the dear pool made the meter pay more than grid-only");
    }
  });

  it("refuses to close a month that is not over, or a neighbourhood without the cap", async () => {
    await assert.rejects(costCap.write.closeMonth([capped, month, numbers]), /CostCapMonthNotOver/);
    await networkHelpers.time.increaseTo(Number(monthEnd) * 900);
    await assert.rejects(costCap.write.closeMonth([uncapped, month, [METERS + 1]]), /CostCapNotEnabled/);
    await assert.rejects(costCap.write.closeMonth([capped, month, [METERS + 1]]), /CostCapMeterNotInNeighbourhood/);
  });

  it("credits each meter what it paid above grid-only supply, from the treasury, once", async () => {
    const model = await positions();
    const hash = await costCap.write.closeMonth([capped, month, numbers], { account: stranger.account });
    const logs = (await publicClient.waitForTransactionReceipt({ hash })).logs;
    const events = parseEventLogs({ abi: costCap.abi, logs, eventName: "CostCapCredited" });
    assert.equal(events.length, METERS);
    for (const { args } of events) {
      const { paid, gridOnly: gridOnlyCost } = expected.get(args.number)!;
      assert.equal(args.credited, paid - gridOnlyCost);
      model.set(ownerOf(args.number), model.get(ownerOf(args.number))! + args.credited);
      model.set(a(treasury), model.get(a(treasury))! - args.credited);
    }
    assert.deepEqual(await positions(), model);
    // Closing again credits nothing more.
    const again = await costCap.write.closeMonth([capped, month, numbers]);
    const more = parseEventLogs({
      abi: costCap.abi,
      logs: (await publicClient.waitForTransactionReceipt({ hash: again })).logs,
      eventName: "CostCapCredited",
    });
    assert.equal(more.length, 0);
    assert.deepEqual(await positions(), model);
  });

  it("credits only the extra when a late interval or a correction comes in after the close", async () => {
    await settle(first + 40n, 77);
    const { interval, chunk, results } = settledResults.at(-1)!;
    const [m] = decodeChunkResults(results);
    await corrections.write.correctMeter([
      capped,
      interval,
      chunk,
      results,
      0n,
      Number(m.importWh) + 700,
      Number(m.exportWh),
      "replacement value",
    ]);
    const model = await positions();
    const credited = new Map<number, bigint>();
    for (const n of numbers) credited.set(n, (await costCap.read.monthAccountOf([capped, month, n])).credited);
    await costCap.write.closeMonth([capped, month, numbers]);
    for (const n of numbers) {
      const account = await costCap.read.monthAccountOf([capped, month, n]);
      // The cap holds over the month: paid − credited ≤ grid-only.
      assert.equal(account.paid - account.credited, account.gridOnly, `meter ${n} pays exactly grid-only`);
      const extra = account.credited - credited.get(n)!;
      model.set(ownerOf(n), model.get(ownerOf(n))! + extra);
      model.set(a(treasury), model.get(a(treasury))! - extra);
    }
    assert.deepEqual(await positions(), model);
  });

  it("lets only settlement and corrections record", async () => {
    await assert.rejects(
      costCap.write.recordChunk([capped, first, "0x"], { account: stranger.account }),
      /AccessControlUnauthorizedAccount/,
    );
    await assert.rejects(
      costCap.write.recordCorrection([capped, first, 1, 1n, 0n], { account: stranger.account }),
      /AccessControlUnauthorizedAccount/,
    );
  });

  it("agrees with the TypeScript billing month for 300 random intervals and 84 month starts", async () => {
    const rng = random(5);
    for (let k = 0; k < 300; k++) {
      const interval = BigInt(1_892_160 + rng.int(350_000)); // 2024 … 2033
      assert.equal(await costCap.read.monthOf([interval]), billingMonthOf(interval), `interval ${interval}`);
    }
    for (let m = 202401; m <= 203012; m = nextBillingMonth(m)) {
      assert.equal(await costCap.read.firstIntervalOf([m]), firstIntervalOf(m), `month ${m}`);
    }
  });
});
