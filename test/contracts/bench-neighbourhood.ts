import { network } from "hardhat";
import { keccak256, toBytes, type Hex } from "viem";
import { DEMO_TARIFF, neighbourhoodId, planBatch, readSettlementInputs } from "@nachbarstrom/core";
import { deploySystem } from "./system.ts";

/**
 * A neighbourhood for gas measurements (`npm run bench:gas`, the gas snapshot test): `size` meters, a
 * third of them prosumers, `contractCount` power contracts between development accounts, every owner
 * an account of its own with 50 euros, and the interval in which the contracts start closed and
 * planned, ready to settle.
 */
export async function benchNeighbourhood(size: number, contractCount: number) {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const me = wallets[0].account.address;
  const treasury = wallets[1].account.address;
  const publicClient = await viem.getPublicClient();
  const system = await deploySystem(viem, { admin: me, bridge: me, treasury });
  const { registry, credit, tariffs, contracts, settlement, deployment } = system;
  await credit.write.topUp([treasury, 10n ** 13n]);
  const hood = neighbourhoodId(`bench-${size}`);
  await registry.write.registerNeighbourhood([
    hood,
    { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: false },
  ]);
  await tariffs.write.setInitialTariff([hood, DEMO_TARIFF, 0n]);

  // The first meters belong to development accounts (they sign contract offers); the rest to
  // addresses of their own, so every meter's owner is a separate account as in a real neighbourhood.
  const owners: Hex[] = [];
  const meterIds: Hex[] = [];
  for (let i = 0; i < size; i++) {
    const owner =
      i < wallets.length - 2
        ? wallets[i + 2].account.address
        : (`0x${(0x10000 + i).toString(16).padStart(40, "0")}` as Hex);
    const meter = keccak256(toBytes(`bench-meter-${i}`));
    await registry.write.registerMeter([meter, hood, owner]);
    await credit.write.topUp([owner, 50_000_000n]);
    owners.push(owner);
    meterIds.push(meter);
  }
  const now = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900));
  for (let k = 0; k < contractCount; k++) {
    const [seller, buyer] = [2 * k, 2 * k + 1];
    await contracts.write.offer([meterIds[seller], meterIds[buyer], 220_000, 500, now + 1n, now + 100n], {
      account: wallets[seller + 2].account,
    });
    await contracts.write.accept([BigInt(k + 1)], { account: wallets[buyer + 2].account });
  }
  // Contracts start in the next interval; settle that one once it has ended.
  const interval = now + 1n;
  await networkHelpers.time.increaseTo(Number(interval + 1n) * 900);

  // A third prosumers (export, some import), the rest consumers.
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
  const planned = planBatch(inputs, { neighbourhoodId: hood, interval, commitment: keccak256(toBytes("bench")) });

  /** Sends every chunk; returns each transaction's gas. */
  async function settle(): Promise<bigint[]> {
    const gas = [];
    for (const [index, chunk] of planned.chunks.entries()) {
      const hash = await settlement.write.settleChunk([hood, interval, planned.header, index, chunk]);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`chunk ${index} reverted`);
      gas.push(receipt.gasUsed);
    }
    return gas;
  }

  return { viem, wallets, treasury, owners, meterIds, inputs, planned, settle };
}
