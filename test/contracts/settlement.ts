/**
 * The TypeScript twin of the settlement: random batches settled on the chain (Hardhat's EDR via viem)
 * give, meter by meter and to the unit, what packages/core's reference settlement computes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toBytes, type Hex } from "viem";
import { DEMO_TARIFF, neighbourhoodId, settleInterval, sortByMeter, type MeterEnergy } from "@nachbarstrom/core";

const SETTLEMENT_ROLE = keccak256(toBytes("nachbarstrom.role.settlement"));
const METERS = 12;

/** A small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("NeighbourhoodSettlement against the TypeScript reference", async () => {
  const { viem } = await network.create();
  const [admin, bridge, treasury, ...households] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract("MeterRegistry", [admin.account.address, admin.account.address]);
  const credit = await viem.deployContract("CreditToken", [
    admin.account.address,
    admin.account.address,
    registry.address,
    treasury.account.address,
  ]);
  const settlement = await viem.deployContract("NeighbourhoodSettlement", [
    admin.account.address,
    bridge.account.address,
    registry.address,
    credit.address,
  ]);
  await credit.write.grantRole([SETTLEMENT_ROLE, settlement.address]);
  const hood = neighbourhoodId("burtscheid-sued");
  await registry.write.registerNeighbourhood([hood, DEMO_TARIFF]);
  const meters: Hex[] = [];
  for (let i = 0; i < METERS; i++) {
    const meter = keccak256(toBytes(`meter-${i}`));
    meters.push(meter);
    await registry.write.registerMeter([meter, hood, households[i].account.address]);
    await credit.write.topUp([households[i].account.address, 1_000_000_000n]);
  }
  await credit.write.topUp([treasury.account.address, 1_000_000_000n]);

  for (let seed = 1; seed <= 20; seed++) {
    it(`settles random batch ${seed} exactly as the reference does`, async () => {
      const next = random(seed);
      const batch: MeterEnergy[] = sortByMeter(
        meters.map((meter) => ({
          meter,
          importWh: next() < 0.3 ? 0n : BigInt(Math.floor(next() * 3000)),
          exportWh: next() < 0.6 ? 0n : BigInt(Math.floor(next() * 5000)),
        })),
      );
      const expected = settleInterval({ tariff: DEMO_TARIFF, meters: batch });
      const hash = await settlement.write.settle([hood, BigInt(seed), keccak256(toBytes(`batch-${seed}`)), batch], {
        account: bridge.account,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const settled = parseEventLogs({ abi: settlement.abi, logs: receipt.logs, eventName: "MeterSettled" });
      assert.deepEqual(
        settled.map(({ args }) => ({
          meter: args.meter,
          importWh: args.importWh,
          exportWh: args.exportWh,
          localBoughtWh: args.localBoughtWh,
          localSoldWh: args.localSoldWh,
          debit: args.debit,
          credit: args.credit,
        })),
        expected.meters,
      );
      const [interval] = parseEventLogs({ abi: settlement.abi, logs: receipt.logs, eventName: "IntervalSettled" });
      assert.equal(interval.args.localWh, expected.localWh);
    });
  }

  it("rejects a second settlement of the same interval", async () => {
    const batch = [{ meter: sortByMeter(meters.map((meter) => ({ meter })))[0].meter, importWh: 1n, exportWh: 0n }];
    await assert.rejects(
      settlement.write.settle([hood, 1n, keccak256(toBytes("again")), batch], { account: bridge.account }),
      /SettlementIntervalAlreadySettled/,
    );
  });
});
