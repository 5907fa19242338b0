/**
 * Gas snapshot: settles one interval of 500 meters (a third prosumers, two power contracts) and fails
 * when the gas per meter-interval rises more than 1 % above test/contracts/gas-snapshot.json. After an
 * intended change, write the new figure into that file (the failure message prints it). The full table
 * against the ERC-20 baseline is `npm run bench:gas`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, toBytes, type Hex } from "viem";
import { CHUNK_GAS, DEMO_TARIFF, chunkGas, neighbourhoodId, planBatch, readSettlementInputs } from "@nachbarstrom/core";
import { deploySystem } from "./system.ts";

const METERS = 500;
const snapshot: { gasPerMeterInterval_500: number } = JSON.parse(
  readFileSync(new URL("gas-snapshot.json", import.meta.url), "utf8"),
);

describe("gas snapshot", async () => {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const me = wallets[0].account.address;
  const publicClient = await viem.getPublicClient();
  const { registry, credit, tariffs, contracts, settlement, deployment } = await deploySystem(viem, {
    admin: me,
    bridge: me,
    treasury: wallets[1].account.address,
  });
  const hood = neighbourhoodId("gas-snapshot");
  await registry.write.registerNeighbourhood([
    hood,
    { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: false },
  ]);
  await tariffs.write.setInitialTariff([hood, DEMO_TARIFF, 0n]);
  const meterIds: Hex[] = [];
  for (let i = 0; i < METERS; i++) {
    // The first meters belong to development accounts, which sign the contract offers below.
    const owner = i < 4 ? wallets[i + 2].account.address : (`0x${(0x20000 + i).toString(16).padStart(40, "0")}` as Hex);
    const meter = keccak256(toBytes(`snapshot-meter-${i}`));
    await registry.write.registerMeter([meter, hood, owner]);
    await credit.write.topUp([owner, 50_000_000n]);
    meterIds.push(meter);
  }
  const now = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900));
  for (const [seller, buyer, id] of [
    [0, 1, 1n],
    [2, 3, 2n],
  ] as const) {
    await contracts.write.offer([meterIds[seller], meterIds[buyer], 220_000, 500, now + 1n, now + 100n], {
      account: wallets[seller + 2].account,
    });
    await contracts.write.accept([id], { account: wallets[buyer + 2].account });
  }
  const interval = now + 1n;
  await networkHelpers.time.increaseTo(Number(interval + 1n) * 900);

  it(`settles ${METERS} meters within 1 % of the snapshot, and within the planner's estimate`, async () => {
    const energy = meterIds.map((meter, i) => ({
      meter,
      importWh: BigInt(50 + ((i * 7919) % 400)),
      exportWh: i % 3 === 0 ? BigInt(200 + ((i * 104729) % 900)) : 0n,
    }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment,
      neighbourhoodId: hood,
      interval,
      meters: energy,
    });
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: hood,
      interval,
      commitment: keccak256(toBytes("snapshot")),
    });
    assert.equal(chunks.length, 1);
    const hash = await settlement.write.settleChunk([hood, interval, header, 0, chunks[0]]);
    const { gasUsed, status } = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(status, "success");
    const perMeter = Math.round(Number(gasUsed) / METERS);
    console.log(
      `      gas per meter-interval at ${METERS} meters: ${perMeter} (snapshot ${snapshot.gasPerMeterInterval_500})`,
    );
    assert.ok(
      perMeter <= snapshot.gasPerMeterInterval_500 * 1.01,
      `gas per meter-interval rose from ${snapshot.gasPerMeterInterval_500} to ${perMeter}; if intended, write ${perMeter} into test/contracts/gas-snapshot.json`,
    );
    assert.ok(gasUsed <= BigInt(chunkGas(METERS, 2, CHUNK_GAS)), "within the planner's estimate");
  });
});
