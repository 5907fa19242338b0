/**
 * Command line of the simulator. `live` publishes to a broker; `readings` prints the same readings
 * offline as JSON lines. Exit codes: 0 done, 1 the run failed, 2 the command line is wrong.
 */
import { once } from "node:events";
import { parseArgs } from "node:util";
import { DEMO_NEIGHBOURHOOD, NachbarstromError } from "@nachbarstrom/core";
import { readingBatches } from "./day.ts";
import { SimulationParameterError } from "./errors.ts";
import { startLiveFeed } from "./live.ts";

const USAGE = `Usage:
  node simulation/src/cli.ts live --mqtt <url> [--start <time>] [--speed <n>] [--step <s>] [--seed <n>] [--quiet]
  node simulation/src/cli.ts readings --start <time> --steps <n> [--step <s>] [--seed <n>]

  --mqtt   broker URL, e.g. mqtt://127.0.0.1:1883
  --start  simulated time of the first readings, ISO 8601 with Z or an offset,
           e.g. 2026-06-21T04:00:00Z (live: default now, rounded down to the step)
  --speed  simulated seconds per wall second (default 1; 180 makes 15 minutes pass in 5 s)
  --step   simulated seconds between readings (default 60)
  --seed   seed of the weather and appliance draws (default 1)
  --steps  readings per meter (readings only)
  --quiet  live: print nothing while running`;

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
  quiet: { type: "boolean" },
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
  throw new UsageError(command === undefined ? "missing command: live or readings" : `unknown command "${command}"`);
}

async function live(values: Values): Promise<number> {
  forbid(values, "live", ["steps"]);
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
  forbid(values, "readings", ["mqtt", "speed", "quiet"]);
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
  if (error instanceof UsageError || error instanceof SimulationParameterError) {
    console.error(`nachbarstrom-sim: ${error.message}\nRun "node simulation/src/cli.ts --help" for usage.`);
    process.exitCode = 2;
  } else if (error instanceof NachbarstromError) {
    console.error(`nachbarstrom-sim: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
