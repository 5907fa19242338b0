import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { Aedes } from "aedes";
import { simulateReadings } from "./day.ts";

const cli = new URL("./cli.ts", import.meta.url).pathname;
const run = promisify(execFile);

/** Runs the CLI to its end; never rejects, so failures can be asserted on. */
async function cliRun(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe("cli readings", () => {
  it("prints the offline readings as JSON lines", async () => {
    const { code, stdout } = await cliRun(
      "readings",
      "--start",
      "2026-06-21T10:00:00Z",
      "--steps",
      "3",
      "--step",
      "900",
      "--seed",
      "5",
    );
    assert.equal(code, 0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const startAt = new Date("2026-06-21T10:00:00Z");
    assert.deepEqual(lines, simulateReadings({ startAt, steps: 3, stepSeconds: 900, seed: 5 }));
  });

  it("names the bad option and its value, and exits with 2", async () => {
    const cases = [
      [["readings", "--start", "yesterday", "--steps", "3"], /--start: .* \(got "yesterday"\)/],
      [["readings", "--start", "2026-06-21T10:00:00Z", "--steps", "1.5"], /--steps: must be an integer/],
      [["readings", "--start", "2026-06-21T10:00:00Z"], /--steps: required/],
      [
        ["live", "--mqtt", "mqtt://127.0.0.1:1883", "--speed", "fast"],
        /--speed: must be a positive number \(got "fast"\)/,
      ],
      [["live", "--speed", "180"], /--mqtt: required/],
      [
        ["live", "--mqtt", "mqtt://127.0.0.1:1", "--formats", "dsmr,xml"],
        /--formats: "xml" is not one of mixed, plain-json/,
      ],
      [
        ["readings", "--start", "2026-06-21T10:00:00Z", "--steps", "3", "--formats", "dsmr"],
        /--formats: not an option/,
      ],
      [["live", "--mqtt", "mqtt://127.0.0.1:1883", "--steps", "3"], /--steps: not an option of "live"/],
      [["replay"], /unknown command "replay"/],
      [["live", "--colour"], /Unknown option '--colour'/],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => cliRun(...args)));
    cases.forEach(([args, message], i) => {
      assert.equal(results[i].code, 2, args.join(" "));
      assert.match(results[i].stderr, message);
    });
  });
});

describe("cli year", () => {
  const demo = new URL("../scenarios/demo.json", import.meta.url).pathname;

  it("settles the demo's year and writes the report", async () => {
    const out = await mkdtemp(join(tmpdir(), "cli-year-"));
    const { code, stdout, stderr } = await cliRun(
      "year",
      "--scenario",
      demo,
      "--out",
      out,
      "--lang",
      "en",
      "--workers",
      "1",
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Burtscheid-Süd 2026: 35040 intervals settled in [\d.]+ s$/m);
    assert.match(stdout, /Self-sufficiency of the neighbourhood \(without sharing\): [\d.]+ \([\d.]+\) %/);
    assert.equal(stderr, ""); // no progress bar when stderr is not a terminal
    assert.deepEqual((await readdir(out)).sort(), [
      "day-summer.svg",
      "day-winter.svg",
      "monthly.svg",
      "report.html",
      "savings.svg",
      "year.json",
    ]);
  });

  it("names the bad option, the bad file or the bad field, and exits with 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-year-"));
    await writeFile(join(dir, "bad.json"), JSON.stringify({ name: "x", slug: "x", year: 2026 }));
    const cases = [
      [["year"], /--scenario: required/],
      [["year", "--scenario", demo, "--lang", "fr"], /--lang: must be de or en \(got "fr"\)/],
      [["year", "--scenario", demo, "--workers", "0"], /--workers: must be an integer from 1 to 64 \(got "0"\)/],
      [["year", "--scenario", demo, "--steps", "3"], /--steps: not an option of "year"/],
      [
        ["readings", "--start", "2026-06-21T10:00:00Z", "--steps", "1", "--lang", "de"],
        /--lang: not an option of "readings"/,
      ],
      [["year", "--scenario", join(dir, "none.json")], /none.json: file: cannot be read \(got "ENOENT"\)/],
      [["year", "--scenario", join(dir, "bad.json")], /bad.json: seed: required \(got nothing\)/],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => cliRun(...args)));
    cases.forEach(([args, message], i) => {
      assert.equal(results[i].code, 2, args.join(" "));
      assert.match(results[i].stderr, message);
    });
  });
});

describe("cli live", () => {
  it("publishes until SIGINT, then stops cleanly with exit code 0", async () => {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const published = new Set<string>();
    broker.on("publish", (packet) => {
      // One topic per meter, in whichever format it speaks (the feed mixes them).
      if (!packet.topic.startsWith("$SYS/")) published.add(packet.topic);
    });

    const child = spawn(process.execPath, [
      cli,
      "live",
      "--mqtt",
      url,
      "--start",
      "2026-06-21T04:00:00Z",
      "--speed",
      "9000",
    ]);
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    while (!stdout.includes("2026-06-21T04:15:00Z  all 12 meters acknowledged")) await once(child.stdout, "data");
    child.kill("SIGINT");
    const [code] = await once(child, "exit");

    assert.equal(code, 0);
    assert.equal(published.size, 12);
    assert.match(stdout, /publishing from 2026-06-21T04:00:00.000Z at 9000× to mqtt:/);
    assert.match(stdout, /stopped at simulated 2026-06-21T04:/);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
