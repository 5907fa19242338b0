/**
 * The TypeScript twin of the settlement: 1,000 random intervals — random energy, tariffs, price limits,
 * static shares, power contracts, chunking and balances — settled on the chain (Hardhat's EDR via viem)
 * give, meter by meter and to the unit, what packages/core's reference settlement computes; positions
 * follow the documented rules, and every chunk stays within the planner's gas estimate.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toBytes, type Hex } from "viem";
import {
  ALLOCATION_KEY,
  CHUNK_GAS,
  DEMO_TARIFF,
  NachbarstromError,
  chunkGas,
  decodeChunkResults,
  neighbourhoodId,
  planBatch,
  readSettlementInputs,
  type AllocationKey,
  type ChunkGas,
  type SettlementInputs,
  type Tariff,
} from "@nachbarstrom/core";
import { random } from "./random.ts";
import { deploySystem } from "./system.ts";

const METERS = 12;
const EPOCHS = Number(process.env.EPOCHS ?? 50);
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
      {
        exists: true,
        allocationKey: ALLOCATION_KEY[hood.key],
        tariffNoticeIntervals: 0,
        contractNoticeIntervals: 0,
        costCap: false,
      },
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
          const maxBuy = rng.chance(0.15) ? rng.int(400_000) : 0;
          const minSell = rng.chance(0.15) ? rng.int(200_000) : 0;
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
        // A change made now counts from the next interval; the older interval settled below must be
        // settled with the record as it was (the registry's path for recently changed meters).
        if (rng.chance(0.3)) {
          const list = meters.get(hood.id)!;
          const { meter } = list[rng.int(list.length)];
          await registry.write.setPreferences([meter, rng.chance(0.5) ? rng.int(400_000) : 0, rng.int(200_000)]);
        }
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
      const terms = [50_000 + rng.int(150_000), 1 + rng.int(800), now + 1n, now + 40n] as const;
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
    // Small chunks now and then, so contracts, pool rounding and totals are checked across chunks.
    const small = { base: 0, perMeter: 1, perContract: 0, budget: 1 + rng.int(METERS) };
    const { header, chunks, expected } = plan(inputs, hood, interval, rng.chance(0.3) ? small : CHUNK_GAS);
    const owners = list.map((m) => a(m.owner));
    const before = await positions(owners);
    const logs = [];
    for (const [index, chunk] of chunks.entries()) {
      const hash = await settlement.write.settleChunk([hood, interval, header, index, chunk], {
        account: bridge.account,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      logs.push(...receipt.logs);
      const estimate = chunkGas(expected.chunks[index].length, contractsWithin(inputs, expected.chunks[index]));
      assert.ok(receipt.gasUsed <= BigInt(estimate), `chunk gas ${receipt.gasUsed} above the estimate ${estimate}`);
    }
    const settled = parseEventLogs({ abi: settlement.abi, logs, eventName: "ChunkSettled" });
    assert.deepEqual(
      settled.map(({ args }) => decodeChunkResults(args.results)),
      expected.chunks,
      `interval ${interval} of ${hood}`,
    );
    assert.equal(await settlement.read.isSettled([hood, interval]), true);
    // Positions: each owner gains credit − debit; the treasury takes the opposite of the sum.
    const model = new Map(before);
    const ownerOf = new Map(list.map((m) => [m.meter, a(m.owner)]));
    for (const m of expected.meters) {
      const owner = ownerOf.get(inputs.idOf.get(m.number)!)!;
      model.set(owner, model.get(owner)! + m.credit - m.debit);
      model.set(a(treasury), model.get(a(treasury))! - (m.credit - m.debit));
    }
    assert.deepEqual(await positions(owners), model, `positions after interval ${interval}`);
  }

  /** Plans the batch; a budget too small for a group of contract-joined meters falls back to the chain's. */
  function plan(inputs: SettlementInputs, hood: Hex, interval: bigint, gas: ChunkGas) {
    const batch = { neighbourhoodId: hood, interval, commitment: keccak256(toBytes(`${hood}-${interval}`)) };
    try {
      return planBatch(inputs, { ...batch, gas });
    } catch (error) {
      if (!(error instanceof NachbarstromError)) throw error;
      return planBatch(inputs, batch);
    }
  }

  async function positions(owners: Hex[]) {
    const state = new Map<Hex, bigint>([[a(treasury), await credit.read.treasuryPosition()]]);
    for (const owner of owners) state.set(owner, await credit.read.positionOf([owner]));
    return state;
  }
});

function contractsWithin(inputs: SettlementInputs, chunk: readonly { number: number }[]): number {
  const numbers = new Set(chunk.map((m) => m.number));
  return inputs.contracts.filter((c) => numbers.has(c.seller) && numbers.has(c.buyer)).length;
}

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
