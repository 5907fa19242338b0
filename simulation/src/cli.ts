/**
 * Command line of the simulator. `live` publishes to a broker; `readings` prints the same readings
 * offline as JSON lines; `year` settles a scenario's year offline and writes a report.
 * Exit codes: 0 done, 1 the run failed, 2 the command line or the scenario file is wrong.
 */
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEMO_NEIGHBOURHOOD, NachbarstromError } from "@nachbarstrom/core";
import { readingBatches } from "./day.ts";
import { SimulationParameterError } from "./errors.ts";
import { startLiveFeed } from "./live.ts";
import { FEED_FORMATS, type FeedFormat, type FeedFormats } from "./live-formats.ts";
import { progressBar } from "./progress.ts";
import { keyFigures, writeReport } from "./report.ts";
import { formatsFor, LANGUAGES, textsFor, type Language } from "./report-text.ts";
import { loadScenario } from "./scenario.ts";
import { ScenarioError } from "./validate.ts";
import { simulateYearParallel } from "./year-parallel.ts";

const USAGE = `Usage:
  node simulation/src/cli.ts live --mqtt <url> [--start <time>] [--speed <n>] [--step <s>] [--seed <n>]
                                   [--formats mixed|<format>,…] [--quiet]
  node simulation/src/cli.ts readings --start <time> --steps <n> [--step <s>] [--seed <n>]
  node simulation/src/cli.ts year --scenario <file> [--out <dir>] [--lang de|en] [--workers <n>]

  --mqtt   broker URL, e.g. mqtt://127.0.0.1:1883
  --start  simulated time of the first readings, ISO 8601 with Z or an offset,
           e.g. 2026-06-21T04:00:00Z (live: default now, rounded down to the step)
  --speed  simulated seconds per wall second (default 1; 180 makes 15 minutes pass in 5 s)
  --step   simulated seconds between readings (default 60)
  --seed   seed of the weather and appliance draws (default 1)
  --steps  readings per meter (readings only)
  --formats live: the meters' formats, "mixed" (default: household i speaks the i-th format in turn)
           or a comma-separated list of plain-json, tasmota, dsmr, lorawan, eip712, sml, d0
           (sml and d0 only at real time: their telegrams carry no clock). The bridge must know the
           simulated devices: npm start binds them (simulation/README.md).
  --quiet  live: print nothing while running

  year: settles every quarter hour of a scenario's year offline and writes a report
  --scenario  scenario file, e.g. simulation/scenarios/demo.json
  --out       directory for report.html, the SVG charts and year.json (default: sim-report/<slug>)
  --lang      language of the report, de or en (default de)
  --workers   worker threads (default: the cores available, at most 8)`;

class UsageError extends Error {
  override name = "UsageError";
}

const options = {
  mqtt: { type: "string" },
  start: { type: "string" },
  speed: { type: "string" },
  step: { type: "string" },
  seed: { type: "string" },
  steps: { type: "string" },
  formats: { type: "string" },
  quiet: { type: "boolean" },
  scenario: { type: "string" },
  out: { type: "string" },
  lang: { type: "string" },
  workers: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseCommandLine>["values"];

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (command === "live") return live(values);
  if (command === "readings") return readings(values);
  if (command === "year") return year(values);
  throw new UsageError(
    command === undefined ? "missing command: live, readings or year" : `unknown command "${command}"`,
  );
}

const YEAR_ONLY = ["scenario", "out", "lang", "workers"] as const;

async function live(values: Values): Promise<number> {
  forbid(values, "live", ["steps", ...YEAR_ONLY]);
  if (values.mqtt === undefined) throw new UsageError("--mqtt: required, e.g. --mqtt mqtt://127.0.0.1:1883");
  const stepSeconds = integerOption(values.step, "--step", 60, 1, 86_400);
  const speed = values.speed === undefined ? 1 : positiveNumber(values.speed, "--speed");
  const startAt =
    values.start === undefined
      ? new Date(Math.floor(Date.now() / 1000 / stepSeconds) * stepSeconds * 1000)
      : timeOption(values.start, "--start");
  const seed = integerOption(values.seed, "--seed", 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const log = values.quiet ? () => {} : (line: string) => console.log(line);

  const households = DEMO_NEIGHBOURHOOD.households.length;
  const acknowledged = new Map<string, number>();
  const feed = await startLiveFeed({
    mqttUrl: values.mqtt,
    startAt,
    speed,
    stepSeconds,
    seed,
    formats: formatsOption(values.formats),
    onPublish: ({ payload }) => {
      // One line per completed 15-minute boundary, so speed 180 prints every 5 s, not every 0.3 s.
      const count = (acknowledged.get(payload.timestamp) ?? 0) + 1;
      acknowledged.set(payload.timestamp, count);
      if (count === households && Date.parse(payload.timestamp) % 900_000 === 0) {
        log(`${payload.timestamp}  all ${count} meters acknowledged`);
      }
      if (acknowledged.size > 2) acknowledged.delete(acknowledged.keys().next().value ?? "");
    },
    onError: (error) => console.error(`nachbarstrom-sim: ${error.message}`),
  });
  log(`publishing from ${startAt.toISOString()} at ${speed}× to ${values.mqtt}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await feed.stop();
  log(`stopped at simulated ${feed.now().toISOString()}`);
  return 0;
}

async function readings(values: Values): Promise<number> {
  forbid(values, "readings", ["mqtt", "speed", "quiet", "formats", ...YEAR_ONLY]);
  if (values.start === undefined) throw new UsageError("--start: required, e.g. --start 2026-06-21T04:00:00Z");
  if (values.steps === undefined) throw new UsageError("--steps: required, e.g. --steps 96");
  const steps = integerOption(values.steps, "--steps", 0, 0, Number.MAX_SAFE_INTEGER);
  const batches = readingBatches({
    startAt: timeOption(values.start, "--start"),
    stepSeconds: integerOption(values.step, "--step", 60, 1, 86_400),
    seed: integerOption(values.seed, "--seed", 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  });
  // Streamed batch by batch (the same data simulateReadings returns), so a year does not have to fit in memory.
  for (let step = 0; step < steps; step++) {
    const lines = batches.next().value.readings.map((reading) => `${JSON.stringify(reading)}\n`);
    if (!process.stdout.write(lines.join(""))) await once(process.stdout, "drain");
  }
  return 0;
}

async function year(values: Values): Promise<number> {
  forbid(values, "year", ["mqtt", "start", "speed", "step", "seed", "steps", "quiet", "formats"]);
  if (values.scenario === undefined) {
    throw new UsageError("--scenario: required, e.g. --scenario simulation/scenarios/demo.json");
  }
  const language = values.lang ?? "de";
  if (!isLanguage(language)) throw new UsageError(`--lang: must be de or en (got "${language}")`);
  const workers = integerOption(values.workers, "--workers", Math.min(availableParallelism(), 8), 1, 64);
  const scenario = await loadScenario(values.scenario);
  const outDir = values.out ?? join("sim-report", scenario.slug);
  const bar = progressBar(`${scenario.name}, ${scenario.year}`);
  const started = performance.now();
  const result = await simulateYearParallel({
    scenario,
    workers,
    onProgress: (done, total) => bar.update(done, total),
  });
  bar.done();
  const seconds = (performance.now() - started) / 1000;
  const files = await writeReport({ result, scenario, outDir, language });
  console.log(`${scenario.name} ${scenario.year}: ${result.intervals} intervals settled in ${seconds.toFixed(1)} s`);
  const t = textsFor(language);
  const shown = new Set([t.selfSufficiency, t.selfConsumption, t.localShare, t.savings, t.savingsSpread, t.utility]);
  for (const [name, value, unit] of keyFigures(result, t, formatsFor(language))) {
    if (shown.has(name)) console.log(`  ${name}: ${value} ${unit}`);
  }
  console.log(`wrote ${files.join(", ")}`);
  return 0;
}

function isLanguage(text: string): text is Language {
  return (LANGUAGES as readonly string[]).includes(text);
}

/** --formats: "mixed" (the default) or a list of the feed's formats. */
function formatsOption(text: string | undefined): FeedFormats {
  if (text === undefined || text === "mixed") return "mixed";
  const formats = text.split(",").map((format) => format.trim());
  const unknown = formats.find((format) => !(FEED_FORMATS as readonly string[]).includes(format));
  if (unknown !== undefined) {
    throw new UsageError(`--formats: "${unknown}" is not one of mixed, ${FEED_FORMATS.join(", ")}`);
  }
  return formats as FeedFormat[];
}

function forbid(values: Values, command: string, names: (keyof Values)[]): void {
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`--${name}: not an option of "${command}"`);
  }
}

function integerOption(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag}: must be an integer from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`${flag}: must be a positive number (got "${text}")`);
  return value;
}

function timeOption(text: string, flag: string): Date {
  const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/;
  const date = new Date(text);
  if (!pattern.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag}: must be an ISO 8601 time in whole seconds with Z or an offset (got "${text}")`);
  }
  return date;
}

// A closed pipe (`… | head`) ends the output early; that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof SimulationParameterError || error instanceof ScenarioError) {
    console.error(`nachbarstrom-sim: ${error.message}\nRun "node simulation/src/cli.ts --help" for usage.`);
    process.exitCode = 2;
  } else if (error instanceof NachbarstromError) {
    console.error(`nachbarstrom-sim: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
