/**
 * Benchmark of the offline year: 37, 1,000 and 10,000 households drawn by the generator of
 * scenarios/district-1000.json (only the number of households changed), each size in a child
 * process of its own so that its peak memory is its own. Prints a table and writes
 * bench-results/sim.json at the repository root.
 *
 *   node simulation/src/bench.ts [--sizes 37,1000,10000] [--workers <n>]
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { parseScenario } from "./scenario.ts";
import { simulateYearParallel } from "./year-parallel.ts";

type Measurement = { households: number; intervals: number; seconds: number; cpuSeconds: number; peakRssMb: number };

const DISTRICT = new URL("../scenarios/district-1000.json", import.meta.url);
const RESULTS = new URL("../../bench-results/sim.json", import.meta.url);

const { values } = parseArgs({
  options: { sizes: { type: "string" }, workers: { type: "string" }, child: { type: "string" } },
  strict: true,
});
const workers = Number(values.workers ?? Math.min(availableParallelism(), 8));

if (values.child !== undefined) {
  console.log(JSON.stringify(await measure(Number(values.child))));
} else {
  const sizes = (values.sizes ?? "37,1000,10000").split(",").map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1) || !(Number.isSafeInteger(workers) && workers > 0)) {
    console.error("bench: --sizes must be positive integers separated by commas, --workers a positive integer");
    process.exit(2);
  }
  const rows: Measurement[] = [];
  console.log(`offline year, ${workers} worker thread(s) on ${availableParallelism()} core(s)\n`);
  console.log("households  seconds/year  CPU s/year  peak RSS MB");
  for (const households of sizes) {
    const row = await inChild(households);
    rows.push(row);
    console.log(
      `${String(households).padStart(10)}  ${row.seconds.toFixed(1).padStart(12)}  ${row.cpuSeconds.toFixed(1).padStart(10)}  ${row.peakRssMb.toFixed(0).padStart(11)}`,
    );
  }
  const json: Record<string, number | string> = {
    workers,
    cores: availableParallelism(),
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
  for (const row of rows) {
    json[`secondsPerYear_${row.households}`] = round(row.seconds);
    json[`cpuSecondsPerYear_${row.households}`] = round(row.cpuSeconds);
    json[`peakRssMb_${row.households}`] = round(row.peakRssMb);
  }
  await mkdir(new URL(".", RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(RESULTS)}`);
}

/** One size in this process: the year with the district's generator at `households`. */
async function measure(households: number): Promise<Measurement> {
  const district = JSON.parse(await readFile(DISTRICT, "utf8")) as { generator: { households: number } };
  district.generator.households = households;
  const scenario = parseScenario(district);
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const result = await simulateYearParallel({ scenario, workers });
  const used = process.cpuUsage(cpu);
  return {
    households,
    intervals: result.intervals,
    seconds: (performance.now() - started) / 1000,
    // The worker threads run in this process, so its CPU time and peak RSS include theirs.
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function inChild(households: number): Promise<Measurement> {
  const script = fileURLToPath(import.meta.url);
  const args = [script, "--child", String(households), "--workers", String(workers)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measurement;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
