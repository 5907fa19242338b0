/**
 * The TypeScript twin of the settlement: 1,000 random intervals — random energy, tariffs, price limits,
 * static shares, power contracts, chunking and balances — settled on the chain (Hardhat's EDR via viem)
 * give, meter by meter and to the unit, what packages/core's reference settlement computes; balances
 * and debts follow the documented rules.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toBytes, type Hex } from "viem";
import {
  DEMO_TARIFF,
  ALLOCATION_KEY,
  neighbourhoodId,
  planBatch,
  readSettlementInputs,
  settleInterval,
  type AllocationKey,
  type Tariff,
} from "@nachbarstrom/core";
import { random } from "./random.ts";
import { deploySystem } from "./system.ts";

const METERS = 12;
const EPOCHS = 50;
const INTERVALS_PER_EPOCH = 20;

describe("NeighbourhoodSettlement against the TypeScript reference", async () => {
  const { viem, networkHelpers } = await network.create();
  const [admin, bridge, treasury, ...households] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const a = (w: { account: { address: Hex } }) => w.account.address;
  const { registry, credit, tariffs, contracts, settlement, deployment } = await deploySystem(viem, {
    admin: a(admin),
    bridge: a(bridge),
    treasury: a(treasury),
  });
  await credit.write.topUp([a(treasury), 1_000_000_000_000n]);

  const hoods = (["proRata", "staticShares"] as AllocationKey[]).map((key) => ({
    key,
    id: neighbourhoodId(`hood-${key}`),
  }));
  const meters = new Map<Hex, { meter: Hex; owner: (typeof households)[number] }[]>();
  for (const hood of hoods) {
    await registry.write.registerNeighbourhood([
      hood.id,
      { exists: true, allocationKey: ALLOCATION_KEY[hood.key], tariffNoticeIntervals: 0, contractNoticeIntervals: 0 },
    ]);
    await tariffs.write.setInitialTariff([hood.id, DEMO_TARIFF, 0n]);
    const list = [];
    for (let i = 0; i < METERS; i++) {
      // Meters of both neighbourhoods share owners: an owner's money comes from both.
      const owner = households[i];
      const meter = keccak256(toBytes(`${hood.key}-meter-${i}`));
      await registry.write.registerMeter([meter, hood.id, a(owner)]);
      list.push({ meter, owner });
    }
    meters.set(hood.id, list);
  }

  let checked = 0;
  let nextContractId = 1n;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    it(`epoch ${epoch}: ${INTERVALS_PER_EPOCH} random intervals settle exactly as the reference does`, async () => {
      const rng = random(epoch + 1);
      // Start at an interval's first second, so the set-up below stays inside that interval.
      const now = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900) + 1);
      await networkHelpers.time.increaseTo(Number(now) * 900);
      for (const hood of hoods) {
        const tariff = randomTariff(rng);
        await tariffs.write.announceTariff([hood.id, tariff, now + 1n]);
        for (const { meter } of meters.get(hood.id)!.filter(() => rng.chance(0.35))) {
          const maxBuy = rng.chance(0.15) ? BigInt(rng.int(400_000)) : 0n;
          const minSell = rng.chance(0.15) ? BigInt(rng.int(200_000)) : 0n;
          await registry.write.setPreferences([meter, maxBuy, minSell]);
          await registry.write.setShareWeight([meter, rng.chance(0.1) ? 0 : 1 + rng.int(5)]);
        }
        await offerContracts(hood.id, rng, now);
      }
      for (const household of households.slice(0, METERS)) {
        if (rng.chance(0.3)) await credit.write.topUp([a(household), BigInt(rng.int(3_000_000))]);
      }
      await networkHelpers.time.increase(900);
      for (let n = 0; n < INTERVALS_PER_EPOCH; n++) {
        await networkHelpers.time.increase(900);
        const hood = hoods[n % 2];
        await settleAndCompare(hood.id, now + 1n + BigInt(n), rng);
        checked++;
      }
    });
  }

  it("checked at least 1,000 intervals", () => assert.ok(checked >= 1000, `only ${checked}`));

  async function offerContracts(hood: Hex, rng: ReturnType<typeof random>, now: bigint): Promise<void> {
    const list = meters.get(hood)!;
    for (let k = 0; k < 3; k++) {
      const seller = list[rng.int(METERS)];
      const buyer = list[rng.int(METERS)];
      if (seller === buyer) continue;
      const sold = await contracts.read.contractsSoldBy([seller.meter]);
      const bought = await contracts.read.contractsBoughtBy([buyer.meter]);
      if (sold.length >= 3 || bought.length >= 3) continue;
      const terms = [BigInt(50_000 + rng.int(150_000)), BigInt(1 + rng.int(800)), now + 1n, now + 40n] as const;
      await contracts.write.offer([seller.meter, buyer.meter, ...terms], { account: seller.owner.account });
      const id = nextContractId++;
      if (rng.chance(0.8)) await contracts.write.accept([id], { account: buyer.owner.account });
    }
  }

  async function settleAndCompare(hood: Hex, interval: bigint, rng: ReturnType<typeof random>): Promise<void> {
    const list = meters.get(hood)!;
    const energy = list.map(({ meter }) => ({
      meter,
      importWh: rng.chance(0.3) ? 0n : BigInt(rng.int(3000)),
      exportWh: rng.chance(0.6) ? 0n : BigInt(rng.int(5000)),
    }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment,
      neighbourhoodId: hood,
      interval,
      meters: energy,
    });
    const chunkSize = rng.chance(0.3) ? 1 + rng.int(METERS) : 200;
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: hood,
      interval,
      commitment: keccak256(toBytes(`${hood}-${interval}`)),
      chunkSize,
    });
    const before = await accounts(list.map((m) => a(m.owner)));
    const logs = [];
    for (const [index, chunk] of chunks.entries()) {
      const hash = await settlement.write.settleChunk([hood, interval, header, index, chunk], {
        account: bridge.account,
      });
      logs.push(...(await publicClient.waitForTransactionReceipt({ hash })).logs);
    }
    const expected = settleInterval({ ...inputs, chunkSize });
    const settled = parseEventLogs({ abi: settlement.abi, logs, eventName: "MeterSettled" });
    assert.deepEqual(
      settled.map(({ args }) => ({ meter: args.meter, ...args.result })),
      expected.meters,
      `interval ${interval} of ${hood}`,
    );
    assert.equal(await settlement.read.isSettled([hood, interval]), true);
    // Balances: charges first (uncovered becomes debt), then payments.
    const after = await accounts(list.map((m) => a(m.owner)));
    const model = new Map(before);
    const ownerOf = new Map(list.map((m) => [m.meter, a(m.owner)]));
    const nets = expected.meters.map((m) => ({ owner: ownerOf.get(m.meter)!, net: m.credit - m.debit }));
    for (const { owner, net } of nets.filter((x) => x.net < 0n)) {
      const state = model.get(owner)!;
      const covered = -net < state.balance ? -net : state.balance;
      model.set(owner, { balance: state.balance - covered, debt: state.debt + (-net - covered) });
    }
    for (const { owner, net } of nets.filter((x) => x.net > 0n)) {
      const state = model.get(owner)!;
      model.set(owner, { ...state, balance: state.balance + net });
    }
    assert.deepEqual(after, model, `balances after interval ${interval}`);
  }

  async function accounts(owners: Hex[]) {
    const state = new Map<Hex, { balance: bigint; debt: bigint }>();
    for (const owner of owners) {
      state.set(owner, { balance: await credit.read.balanceOf([owner]), debt: await credit.read.debtOf([owner]) });
    }
    return state;
  }
});

function randomTariff(rng: ReturnType<typeof random>): Tariff {
  const communityPrice = BigInt(80_000 + rng.int(120_000));
  return {
    gridEnergy: BigInt(100_000 + rng.int(150_000)),
    gridFee: BigInt(60_000 + rng.int(80_000)),
    localGridFee: BigInt(rng.int(60_000)),
    electricityTax: 20_500n,
    concessionFee: BigInt(rng.int(24_000)),
    levies: BigInt(rng.int(40_000)),
    feedInPrice: BigInt(rng.int(Number(communityPrice))),
    communityPrice,
    vatBasisPoints: rng.chance(0.8) ? 1900 : rng.int(2500),
  };
}
