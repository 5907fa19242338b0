/**
 * `npm run bench:gas`: settles one interval of neighbourhoods of 10, 100, 1,000 and 10,000 meters
 * (a third prosumers, a few power contracts) on Hardhat's EDR and prints gas per meter-interval and
 * transactions per interval, next to the naive baseline of one ERC-20 transfer per trade measured in the
 * same run. Writes bench-results/gas.json. Usage: node scripts/bench-gas.ts [sizes…]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { deploySystem } from "../test/contracts/system.ts";
import { keccak256, toBytes, type Hex } from "viem";
import { CHUNK_GAS, DEMO_TARIFF, neighbourhoodId, planBatch, readSettlementInputs } from "@nachbarstrom/core";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [10, 100, 1000, 10000];

type Row = {
  meters: number;
  largestTransaction: number;
  gasPerMeter: number;
  transactions: number;
  baselineGasPerMeter: number;
  contracts: number;
};

async function bench(size: number): Promise<Row> {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const [admin] = wallets;
  const publicClient = await viem.getPublicClient();
  const me = admin.account.address;
  const { registry, credit, tariffs, contracts, settlement, deployment } = await deploySystem(viem, {
    admin: me,
    bridge: me,
    treasury: wallets[1].account.address,
  });
  await credit.write.topUp([wallets[1].account.address, 10n ** 15n]);
  const hood = neighbourhoodId(`bench-${size}`);
  await registry.write.registerNeighbourhood([
    hood,
    { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: false },
  ]);
  await tariffs.write.setInitialTariff([hood, DEMO_TARIFF, 0n]);

  // Meters 0…19 belong to the development accounts (they sign contract offers); the rest to
  // addresses of their own, so every meter's owner is a separate account as in a real neighbourhood.
  const owners: Hex[] = [];
  for (let i = 0; i < size; i++) {
    const owner =
      i < wallets.length - 2
        ? wallets[i + 2].account.address
        : (`0x${(0x10000 + i).toString(16).padStart(40, "0")}` as Hex);
    const meter = keccak256(toBytes(`bench-meter-${i}`));
    await registry.write.registerMeter([meter, hood, owner]);
    await credit.write.topUp([owner, 50_000_000n]);
    owners.push(owner);
  }
  const meterIds = owners.map((_, i) => keccak256(toBytes(`bench-meter-${i}`)));
  const contractCount = Math.min(Math.floor(size / 10), 8);
  for (let k = 0; k < contractCount; k++) {
    const seller = 2 * k;
    const buyer = 2 * k + 1;
    const now = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900));
    await contracts.write.offer([meterIds[seller], meterIds[buyer], 220_000, 500, now + 1n, now + 100n], {
      account: wallets[seller + 2].account,
    });
    await contracts.write.accept([BigInt(k + 1)], { account: wallets[buyer + 2].account });
  }
  // Contracts start in the next interval; settle that one once it has ended.
  const interval = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900)) + 1n;
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
  const { header, chunks, expected } = planBatch(inputs, {
    neighbourhoodId: hood,
    interval,
    commitment: keccak256(toBytes("bench")),
  });
  let gas = 0n;
  let largest = 0n;
  for (const [index, chunk] of chunks.entries()) {
    const hash = await settlement.write.settleChunk([hood, interval, header, index, chunk]);
    const used = (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
    gas += used;
    if (used > largest) largest = used;
  }

  // Baseline: one plain ERC-20 transfer per trade — each meter's payment and each contract delivery.
  const baseline = await viem.deployContract("BaselineToken");
  const treasury = wallets[1].account.address;
  for (const owner of owners) await baseline.write.mint([owner, 50_000_000n]);
  await baseline.write.mint([treasury, 10n ** 15n]);
  const trades: [Hex, Hex, bigint][] = [];
  expected.meters.forEach((m) => {
    const owner = owners[meterIds.indexOf(inputs.idOf.get(m.number)!)];
    if (m.debit > 0n) trades.push([owner, treasury, m.debit]);
    if (m.credit > 0n) trades.push([treasury, owner, m.credit]);
  });
  let baselineGas = 0n;
  for (let i = 0; i < trades.length; i += 200) {
    const slice = trades.slice(i, i + 200);
    const hash = await baseline.write.transferMany([
      slice.map((t) => t[0]),
      slice.map((t) => t[1]),
      slice.map((t) => t[2]),
    ]);
    baselineGas += (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
  }
  return {
    meters: size,
    largestTransaction: Number(largest),
    gasPerMeter: Number(gas) / size,
    transactions: chunks.length,
    baselineGasPerMeter: Number(baselineGas) / size,
    contracts: contractCount,
  };
}

const rows: Row[] = [];
for (const size of SIZES) {
  const started = Date.now();
  rows.push(await bench(size));
  console.error(`  ${size} meters measured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log("\nGas per settled meter-interval (Hardhat EDR, cancun, optimizer 200 runs)\n");
console.log(
  "| meters | contracts | transactions | largest transaction | gas / meter-interval | baseline: ERC-20 transfer per trade |",
);
console.log("|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const cells = [r.meters, r.contracts, r.transactions, r.largestTransaction, r.gasPerMeter, r.baselineGasPerMeter];
  console.log(`| ${cells.map((c) => Math.round(c).toLocaleString("en")).join(" | ")} |`);
}
console.log(
  `\nChunks are planned by CHUNK_GAS (packages/core/src/chunks.ts): budget ${CHUNK_GAS.budget.toLocaleString("en")} gas.`,
);
const json: Record<string, number> = {};
for (const r of rows) {
  json[`gasPerMeterInterval_${r.meters}`] = Math.round(r.gasPerMeter);
  json[`transactionsPerInterval_${r.meters}`] = r.transactions;
  json[`baselineGasPerMeterInterval_${r.meters}`] = Math.round(r.baselineGasPerMeter);
}
mkdirSync("bench-results", { recursive: true });
writeFileSync("bench-results/gas.json", JSON.stringify(json, null, 2) + "\n");
console.log("\nwrote bench-results/gas.json");
