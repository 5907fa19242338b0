#!/usr/bin/env node
// The `solc` that forge calls (foundry.toml): the project's solc-js in standard-JSON mode, because a
// native solc cannot be downloaded on these machines. forge asks `--version` and then sends standard
// JSON on stdin with every source's content included.
import { createRequire } from "node:module";

const solc = createRequire(import.meta.url)("solc");

if (process.argv.includes("--version")) {
  // forge reads the version from a line "Version: x.y.z+commit…" as the native compiler prints it.
  console.log(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}`);
} else {
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(solc.compile(input));
}
