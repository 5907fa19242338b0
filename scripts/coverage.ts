/**
 * Line and branch coverage of the contracts, as `npm test` prints it: runs the Solidity tests
 * (contracts/*.t.sol) with `forge coverage` on revm — Hardhat 3's coverage has no branch data yet — and
 * fails when a test fails or the contracts' totals fall below 95 % of lines or 90 % of branches.
 * Test helpers (contracts/test/) and the benchmark's baseline token (contracts/bench/) do not count.
 */
import { spawnSync } from "node:child_process";

const MIN_LINES = 95;
const MIN_BRANCHES = 90;

type Counts = { hit: number; found: number };
type Row = { file: string; lines: Counts; branches: Counts };

const run = spawnSync("forge", ["coverage", "--offline", "--report", "summary"], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) {
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.error("forge coverage failed: see its output above");
  process.exit(1);
}

const rows = run.stdout
  .split("\n")
  .filter((line) => line.startsWith("| contracts/"))
  .map(parseRow)
  .filter(({ file }) => !file.includes("/test/") && !file.includes("/bench/") && !file.endsWith(".t.sol"));
if (rows.length === 0) {
  console.error("forge coverage printed no rows for contracts/: its summary format may have changed");
  process.exit(1);
}

const total = rows.reduce(
  (sum, r) => ({
    lines: add(sum.lines, r.lines),
    branches: add(sum.branches, r.branches),
  }),
  { lines: { hit: 0, found: 0 }, branches: { hit: 0, found: 0 } },
);
console.log("\nContract coverage (forge coverage on the Solidity tests)\n");
console.log("| contract | lines | branches |");
console.log("|---|---:|---:|");
for (const r of [...rows, { file: "total", ...total }]) {
  console.log(`| ${r.file} | ${format(r.lines)} | ${format(r.branches)} |`);
}
const lines = percent(total.lines);
const branches = percent(total.branches);
if (lines < MIN_LINES || branches < MIN_BRANCHES) {
  console.error(
    `\ncoverage below the floor: lines ${lines.toFixed(2)} % (≥ ${MIN_LINES}), branches ${branches.toFixed(2)} % (≥ ${MIN_BRANCHES})`,
  );
  process.exit(1);
}
console.log(
  `\ncoverage passed: lines ${lines.toFixed(2)} % ≥ ${MIN_LINES}, branches ${branches.toFixed(2)} % ≥ ${MIN_BRANCHES}`,
);

/** A summary row: `| file | 100.00% (92/92) | statements | 100.00% (11/11) | functions |`. */
function parseRow(line: string): Row {
  const cells = line.split("|").map((cell) => cell.trim());
  const counts = (cell: string): Counts => {
    const match = /\((\d+)\/(\d+)\)/.exec(cell);
    if (!match) throw new Error(`cannot read coverage counts from "${cell}" in: ${line}`);
    return { hit: Number(match[1]), found: Number(match[2]) };
  };
  return { file: cells[1], lines: counts(cells[2]), branches: counts(cells[4]) };
}

function add(a: Counts, b: Counts): Counts {
  return { hit: a.hit + b.hit, found: a.found + b.found };
}

function percent({ hit, found }: Counts): number {
  return found === 0 ? 100 : (100 * hit) / found;
}

function format(c: Counts): string {
  return `${percent(c).toFixed(2)} % (${c.hit}/${c.found})`;
}
