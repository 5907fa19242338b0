/**
 * `npm run test:postgres`: the store test suites again, against a real PostgreSQL server (Debian's
 * `postgresql` package; .ci/run installs it). One server is started for the run; each test makes a
 * database of its own on it. The same test files run on SQLite in `npm run test:unit`.
 */
import { spawnSync } from "node:child_process";
import { startTestPostgres, TEST_DATABASE, TEST_POSTGRES_URL } from "@nachbarstrom/core/database/test-postgres";

/** The test files that exercise a store, by workspace (globs as node --test takes them). */
const SUITES: { workspace: string; files: string[] }[] = [
  { workspace: "packages/core", files: ["src/database/*.test.ts"] },
  // The bridge's stores: inbox, readings, outbox.
  {
    workspace: "meter-bridge",
    files: [
      "src/store.test.ts",
      "src/inbox.test.ts",
      "src/reading-store.test.ts",
      "src/outbox.test.ts",
      "src/outbox-settler.test.ts",
      "src/durable-aggregator.test.ts",
      "src/crash.test.ts",
      "src/ownership.test.ts",
      "src/relay.test.ts",
      "src/cluster.test.ts",
    ],
  },
  // The portal's accounts database: users, passkeys, sessions, invitations, actions, requests, metering points.
  {
    workspace: "web",
    files: [
      "src/lib/server/auth/*.test.ts",
      "src/lib/server/actions/*.test.ts",
      "src/lib/server/money/*.test.ts",
      "src/lib/server/meters/*.test.ts",
      "src/lib/server/console/erasure.test.ts",
      "src/lib/server/erasure-request.test.ts",
    ],
  },
  // The portal's read model: the indexer and the queries of the pages.
  {
    workspace: "web",
    files: [
      "src/lib/server/read-model/*.test.ts",
      "src/lib/server/console/{billing,debts,intervals,tariffs}.test.ts",
      "src/lib/server/statements/tariffs.test.ts",
      "src/lib/server/contracts/view.test.ts",
    ],
  },
];

const server = await startTestPostgres();
let failed = false;
try {
  for (const { workspace, files } of SUITES) {
    if (files.length === 0) continue;
    console.log(`\n# ${workspace} on PostgreSQL`);
    const run = spawnSync(process.execPath, ["--test", ...files], {
      cwd: workspace,
      stdio: "inherit",
      env: { ...process.env, [TEST_DATABASE]: "postgres", [TEST_POSTGRES_URL]: server.url },
    });
    if (run.status !== 0) failed = true;
  }
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
