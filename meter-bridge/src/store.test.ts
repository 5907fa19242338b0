import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openStore as openDatabase, sql } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { BridgeConfigurationError, BridgeStoreError } from "./errors.ts";
import { BRIDGE_DATABASE, openStore, type Store } from "./store.ts";
import { storeFile } from "./store-file.ts";
import { MIGRATIONS, type Migration } from "./store-schema.ts";
import { tempDir } from "./test-fixtures.ts";

/** The bridge's tables in the database (on PostgreSQL: in its schema), by name. */
async function tables(store: Store): Promise<string[]> {
  const query =
    store.dialect === "sqlite"
      ? sql<{ name: string }>`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`
      : sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = ${BRIDGE_DATABASE.schema} ORDER BY table_name`;
  return (await query.execute(store.db)).rows.map((row) => row.name);
}

async function count(store: Store, table: "schema_version" | "inbox" | "outbox_transactions" | "neighbourhood_state") {
  const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.db);
  return rows[0].n;
}

/** The bridge database with other migrations, as an older or newer bridge would open it. */
const openWith = (location: string, migrations: readonly Migration[]) =>
  openDatabase<unknown>({ location, kind: BRIDGE_DATABASE, migrations });

describe(`store (${testDialect}): opening and migrations`, () => {
  test("a new database has every table and records each migration", async () => {
    const store = await openStore({ location: await testStoreLocation("bridge"), now: () => Date.UTC(2027, 0, 15) });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.at(-1)?.version);
      const { rows } = await sql<{
        version: bigint;
        applied_at: string;
      }>`SELECT version, applied_at FROM schema_version ORDER BY version`.execute(store.db);
      assert.deepEqual(
        rows.map((v) => ({ ...v })),
        MIGRATIONS.map((m) => ({ version: BigInt(m.version), applied_at: "2027-01-15T00:00:00.000Z" })),
      );
      assert.deepEqual(await tables(store), [
        "bridge_instances",
        "bridge_leases",
        "inbox",
        "meter_state",
        "neighbourhood_state",
        "outbox",
        "outbox_transactions",
        "readings",
        "relay",
        "schema_version",
      ]);
    } finally {
      await store.close();
    }
  });

  test("a SQLite file runs in WAL mode with synchronous=FULL and foreign keys", async () => {
    const store = await openStore({ location: join(tempDir(), "nested", "bridge.db") });
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`PRAGMA ${name}`).execute(store.db)).rows[0] as object)[0];
      assert.equal(await pragma("journal_mode"), "wal");
      assert.equal(await pragma("synchronous"), 2n, "2 is FULL");
      assert.equal(await pragma("foreign_keys"), 1n);
    } finally {
      await store.close();
    }
  });

  test("reopening runs no migration twice and keeps the data", async () => {
    const location = await testStoreLocation("bridge");
    const first = await openStore({ location });
    await first.db.insertInto("neighbourhood_state").values({ neighbourhood: "x", closed_until: 900n }).execute();
    await first.close();
    const again = await openStore({ location });
    try {
      assert.equal(await count(again, "schema_version"), BigInt(MIGRATIONS.length));
      const row = await again.db.selectFrom("neighbourhood_state").select("closed_until").executeTakeFirst();
      assert.equal(row?.closed_until, 900n);
    } finally {
      await again.close();
    }
  });

  test("a later migration is applied on top, in its own version row", async () => {
    const location = await testStoreLocation("bridge");
    await (await openStore({ location })).close();
    const latest = MIGRATIONS.length;
    const next: Migration = { version: latest + 1, description: "test", sql: "CREATE TABLE extra (x INTEGER);" };
    const newer = await openWith(location, [...MIGRATIONS, next]);
    assert.equal(newer.schemaVersion, latest + 1);
    await newer.close();
    const again = await openWith(location, [...MIGRATIONS, next]);
    try {
      const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM schema_version`.execute(again.db);
      assert.equal(rows[0].n, BigInt(latest + 1));
    } finally {
      await again.close();
    }
  });

  test("a database of the first release gains the later tables and keeps its data", async () => {
    const location = await testStoreLocation("bridge");
    const old = await openWith(location, MIGRATIONS.slice(0, 1));
    await sql`INSERT INTO neighbourhood_state VALUES ('x', 900)`.execute(old.db);
    await old.close();
    const store = await openStore({ location });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.length);
      assert.equal(await count(store, "outbox_transactions"), 0n);
      assert.equal(await count(store, "inbox"), 0n);
      const row = await store.db.selectFrom("neighbourhood_state").select("closed_until").executeTakeFirst();
      assert.equal(row?.closed_until, 900n);
    } finally {
      await store.close();
    }
  });

  test("a failing migration leaves the database as it was", async () => {
    const location = await testStoreLocation("bridge");
    await (await openStore({ location })).close();
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, description: "ok", sql: "CREATE TABLE half (x INTEGER);" },
      { version: MIGRATIONS.length + 2, description: "broken", sql: "CREATE TABLE readings (x INTEGER);" },
    ];
    await assert.rejects(openWith(location, broken), BridgeStoreError);
    const store = await openStore({ location });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.length);
      assert.ok(!(await tables(store)).includes("half"));
    } finally {
      await store.close();
    }
  });

  test("a database written by a newer bridge is refused", async () => {
    const location = await testStoreLocation("bridge");
    const store = await openStore({ location });
    await sql`INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')`.execute(store.db);
    await store.close();
    await assert.rejects(
      openStore({ location }),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "The bridge database was written by a newer bridge" &&
        (error.details ?? "").includes(`version 99; this bridge knows versions up to ${MIGRATIONS.length}`),
    );
  });

  test("a file that cannot be created is a BridgeStoreError naming it", async () => {
    const notAFolder = join(tempDir(), "plain-file");
    writeFileSync(notAFolder, "");
    const file = join(notAFolder, "bridge.db");
    await assert.rejects(
      openStore({ location: file }),
      (error) => error instanceof BridgeStoreError && error.shortMessage === `Cannot open the bridge database ${file}`,
    );
  });
});

describe(`store (${testDialect}): transactions`, () => {
  test("a throwing transaction writes nothing; a failure of the database is a BridgeStoreError", async () => {
    const store = await openStore({ location: await testStoreLocation("bridge") });
    try {
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.insertInto("neighbourhood_state").values({ neighbourhood: "a", closed_until: 1n }).execute();
          throw new Error("crash inside");
        }),
        (error) => !(error instanceof BridgeStoreError) && error instanceof Error && error.message === "crash inside",
        "an error of the code inside passes through as it is",
      );
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.insertInto("neighbourhood_state").values({ neighbourhood: "b", closed_until: 1n }).execute();
          await sql`INSERT INTO readings VALUES ('a', 'b', 1, -5, 0, 0)`.execute(trx);
        }),
        (error) =>
          error instanceof BridgeStoreError &&
          error.shortMessage === "The bridge database could not be written" &&
          /CHECK constraint failed|violates check constraint/.test(error.details ?? ""),
      );
      assert.equal(await count(store, "neighbourhood_state"), 0n);
      await store.transaction((trx) =>
        trx.insertInto("neighbourhood_state").values({ neighbourhood: "a", closed_until: 1n }).execute(),
      );
      assert.equal(await count(store, "neighbourhood_state"), 1n);
    } finally {
      await store.close();
    }
  });
});

describe("storeFile", () => {
  const none = { fromEnv: undefined, databaseUrl: undefined };
  test("the node's setting wins, then NACHBARSTROM_BRIDGE_DB, then the user directory", () => {
    assert.equal(storeFile({ ...none, configured: "/data/a.db", fromEnv: "/data/b.db", userDir: "/nr" }), "/data/a.db");
    assert.equal(storeFile({ ...none, configured: " ", fromEnv: "/data/b.db", userDir: "/nr" }), "/data/b.db");
    assert.equal(storeFile({ ...none, configured: "", userDir: "/nr" }), "/nr/nachbarstrom-bridge.db");
    assert.equal(storeFile({ ...none, configured: "state/a.db", userDir: "/nr" }), "/nr/state/a.db");
  });

  test("NACHBARSTROM_DATABASE_URL comes before the default file; a URL is taken as it is", () => {
    const url = "postgres://bridge@db.internal/nachbarstrom";
    assert.equal(storeFile({ configured: "", fromEnv: undefined, databaseUrl: url, userDir: "/nr" }), url);
    assert.equal(storeFile({ configured: "", fromEnv: "/data/b.db", databaseUrl: url, userDir: "/nr" }), "/data/b.db");
    assert.equal(storeFile({ configured: url, fromEnv: "/data/b.db", databaseUrl: undefined, userDir: "/nr" }), url);
  });

  test("nothing to go by, or an unresolved ${NAME}, is a configuration error", () => {
    assert.throws(
      () => storeFile({ ...none, configured: "", userDir: undefined }),
      (error) => error instanceof BridgeConfigurationError && /NACHBARSTROM_BRIDGE_DB/.test(error.details ?? ""),
    );
    assert.throws(
      () => storeFile({ ...none, configured: "${BRIDGE_DB}", userDir: "/nr" }),
      (error) =>
        error instanceof BridgeConfigurationError && /\$\{BRIDGE_DB\}, which is not set/.test(error.details ?? ""),
    );
  });
});
