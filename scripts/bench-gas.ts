/**
 * `npm run bench:gas`: settles one interval of neighbourhoods of 10, 100, 1,000 and 10,000 meters
 * (a third prosumers, a few power contracts) on Hardhat's EDR and prints gas per meter-interval and
 * transactions per interval, next to the naive baseline of one ERC-20 transfer per trade measured in the
 * same run. Writes bench-results/gas.json. Usage: node scripts/bench-gas.ts [sizes…]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { Hex } from "viem";
import { CHUNK_GAS } from "@nachbarstrom/core";
import { benchNeighbourhood } from "../test/contracts/bench-neighbourhood.ts";

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
  const contractCount = Math.min(Math.floor(size / 10), 8);
  const { viem, treasury, owners, meterIds, inputs, planned, settle } = await benchNeighbourhood(size, contractCount);
  const used = await settle();
  const gas = used.reduce((sum, g) => sum + g, 0n);
  const largest = used.reduce((max, g) => (g > max ? g : max), 0n);
  const { chunks, expected } = planned;

  // Baseline: one plain ERC-20 transfer per trade — each meter's payment and each contract delivery.
  const baseline = await viem.deployContract("BaselineToken");
  for (const owner of owners) await baseline.write.mint([owner, 50_000_000n]);
  await baseline.write.mint([treasury, 10n ** 15n]);
  const trades: [Hex, Hex, bigint][] = [];
  expected.meters.forEach((m) => {
    const owner = owners[meterIds.indexOf(inputs.idOf.get(m.number)!)];
    if (m.debit > 0n) trades.push([owner, treasury, m.debit]);
    if (m.credit > 0n) trades.push([treasury, owner, m.credit]);
  });
  const publicClient = await viem.getPublicClient();
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
