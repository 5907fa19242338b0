/**
 * `npm run lint`: every static check the project has, in one run; exits non-zero when any fails,
 * after running all of them so one run shows every problem.
 */
import { spawnSync } from "node:child_process";

const checks: [name: string, command: string, args: string[]][] = [
  ["prettier", "prettier", ["--check", "--log-level", "warn", "."]],
  ["solhint", "solhint", ["--max-warnings", "0", "contracts/**/*.sol"]],
  // Compiling first generates the typed artifacts (artifacts/**/*.d.ts) that tsc and the ABI check read.
  ["solidity compile", "hardhat", ["compile"]],
  ["typescript", "tsc", ["-p", "tsconfig.json"]],
  ["abi freshness", "node", ["scripts/export-abis.ts", "--check"]],
  ["svelte-check", "npm", ["run", "check", "--workspace", "web"]],
];

const failed: string[] = [];
for (const [name, command, args] of checks) {
  console.log(`\n▶ ${name}`);
  const { status } = spawnSync(command, args, { stdio: "inherit" });
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nlint failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log("\nlint passed");
