/**
 * A throwaway PostgreSQL server for the test suites, from Debian's `postgresql` package (installed by
 * .ci/run): initdb into a temporary folder, started on a free loopback port, trust authentication,
 * no fsync. As root (CI) the server runs as the package's `postgres` user, because PostgreSQL refuses
 * to run as root. Each test gets a database of its own (`freshTestDatabase`).
 *
 * Tests for PostgreSQL never skip: without the server binaries they fail and say how to install them.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type TestPostgres = { url: string; stop(): Promise<void> };

/** The environment variable with a running server's URL: set, tests use it instead of starting one. */
export const TEST_POSTGRES_URL = "NACHBARSTROM_TEST_POSTGRES_URL";
/** Set to "postgres", the store tests run against PostgreSQL instead of SQLite. */
export const TEST_DATABASE = "NACHBARSTROM_TEST_DATABASE";

export function testsUsePostgres(): boolean {
  return process.env[TEST_DATABASE] === "postgres";
}

let shared: Promise<TestPostgres> | undefined;

/** A new, empty database (its URL) on the shared test server, started on first use. */
export async function freshTestDatabase(): Promise<string> {
  const url = process.env[TEST_POSTGRES_URL] ?? (await (shared ??= startTestPostgres())).url;
  const name = `test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.toString();
}

/**
 * Starts a server of its own; `stop()` ends it and removes its files. Without fsync (tests) unless
 * `durable` (benchmarks: a commit is on disk when it returns, as in production).
 */
export async function startTestPostgres({ durable = false }: { durable?: boolean } = {}): Promise<TestPostgres> {
  const bin = serverBinaries();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-pg-"));
  const run = (command: string, args: string[]) =>
    asRoot ? (["runuser", ["-u", "postgres", "--", command, ...args]] as const) : ([command, args] as const);
  if (asRoot) chownSync(dir, ...postgresUser());
  const data = join(dir, "data");
  const [initCommand, initArgs] = run(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const init = spawnSync(initCommand, initArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);

  const port = await freePort();
  const options = [
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=300",
  ].join(" ");
  const pgCtl = (args: string[]) => {
    const [command, commandArgs] = run(join(bin, "pg_ctl"), ["-D", data, ...args]);
    return spawnSync(command, commandArgs, { encoding: "utf8", timeout: 60_000 });
  };
  const started = pgCtl(["-o", options, "-l", join(dir, "server.log"), "-w", "-t", "30", "start"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // pg_ctl leaves the server running on its own; it ends with this process.
  const kill = () => {
    pgCtl(["-m", "immediate", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  if (started.status !== 0) {
    kill();
    throw new Error(`PostgreSQL did not start (${started.status}): ${started.stderr || started.stdout}`);
  }
  process.once("exit", kill);
  return {
    url,
    async stop() {
      process.off("exit", kill);
      kill();
    },
  };
}

/** The folder holding initdb and postgres: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
function serverBinaries(): string {
  const fromPath = (process.env.PATH ?? "").split(":").find((dir) => dir !== "" && existsSync(join(dir, "initdb")));
  if (fromPath !== undefined) return fromPath;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = join(root, version, "bin");
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "The PostgreSQL tests need a PostgreSQL server: install Debian's package with `apt-get install postgresql` (.ci/run does)",
  );
}

function postgresUser(): [number, number] {
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error("Running as root, the PostgreSQL tests need the `postgres` user of Debian's package");
  return [uid, id("-g")];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
