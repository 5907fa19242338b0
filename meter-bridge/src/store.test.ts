import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, test } from "node:test";
import { BridgeConfigurationError, BridgeStoreError } from "./errors.ts";
import { BRIDGE_DATABASE, openStore } from "./store.ts";
import { storeFile } from "./store-file.ts";
import { migrate } from "@nachbarstrom/core/sqlite";
import { MIGRATIONS, type Migration } from "./store-schema.ts";
import { tempDir } from "./test-fixtures.ts";

const tables = (file: string) => {
  const store = openStore({ file });
  try {
    return store.db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);
  } finally {
    store.close();
  }
};

describe("store: opening and migrations", () => {
  test("a new database runs in WAL mode with synchronous=FULL and has every table", () => {
    const file = join(tempDir(), "nested", "bridge.db");
    const store = openStore({ file, now: () => Date.UTC(2027, 0, 15) });
    try {
      assert.equal(store.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      assert.equal(store.db.prepare("PRAGMA synchronous").get()?.synchronous, 2n, "2 is FULL");
      assert.equal(store.db.prepare("PRAGMA foreign_keys").get()?.foreign_keys, 1n);
      assert.equal(store.schemaVersion, MIGRATIONS.at(-1)?.version);
      const versions = store.db.prepare("SELECT version, applied_at FROM schema_version").all();
      assert.deepEqual(
        versions.map((v) => ({ ...v })),
        MIGRATIONS.map((m) => ({ version: BigInt(m.version), applied_at: "2027-01-15T00:00:00.000Z" })),
      );
    } finally {
      store.close();
    }
    assert.deepEqual(tables(file), [
      "inbox",
      "meter_state",
      "neighbourhood_state",
      "outbox",
      "outbox_transactions",
      "readings",
      "schema_version",
    ]);
  });

  test("reopening runs no migration twice and keeps the data", () => {
    const file = join(tempDir(), "bridge.db");
    const first = openStore({ file });
    first.db.prepare("INSERT INTO neighbourhood_state VALUES ('x', 900)").run();
    first.close();
    const again = openStore({ file });
    try {
      assert.equal(again.db.prepare("SELECT count(*) AS n FROM schema_version").get()?.n, BigInt(MIGRATIONS.length));
      assert.equal(again.db.prepare("SELECT closed_until FROM neighbourhood_state").get()?.closed_until, 900n);
    } finally {
      again.close();
    }
  });

  test("a later migration is applied on top, in its own version row", () => {
    const store = openStore({ file: ":memory:" });
    try {
      const latest = MIGRATIONS.length;
      const next: Migration = { version: latest + 1, description: "test", sql: "CREATE TABLE extra (x INTEGER)" };
      assert.deepEqual(migrate(store.db, [...MIGRATIONS, next], BRIDGE_DATABASE), { from: latest, to: latest + 1 });
      assert.deepEqual(migrate(store.db, [...MIGRATIONS, next], BRIDGE_DATABASE), { from: latest + 1, to: latest + 1 });
      assert.equal(store.db.prepare("SELECT count(*) AS n FROM schema_version").get()?.n, BigInt(latest + 1));
    } finally {
      store.close();
    }
  });

  test("a database of the first release gains the later tables and keeps its data", () => {
    const file = join(tempDir(), "bridge.db");
    const old = new DatabaseSync(file);
    migrate(old, MIGRATIONS.slice(0, 1), BRIDGE_DATABASE);
    old.exec("INSERT INTO neighbourhood_state VALUES ('x', 900)");
    old.close();
    const store = openStore({ file });
    try {
      assert.equal(store.schemaVersion, MIGRATIONS.length);
      assert.equal(store.db.prepare("SELECT count(*) AS n FROM outbox_transactions").get()?.n, 0n);
      assert.equal(store.db.prepare("SELECT count(*) AS n FROM inbox").get()?.n, 0n);
      assert.equal(store.db.prepare("SELECT closed_until FROM neighbourhood_state").get()?.closed_until, 900n);
    } finally {
      store.close();
    }
  });

  test("a failing migration leaves the database as it was", () => {
    const store = openStore({ file: ":memory:" });
    try {
      const broken: Migration[] = [
        ...MIGRATIONS,
        { version: MIGRATIONS.length + 1, description: "ok", sql: "CREATE TABLE half (x INTEGER)" },
        { version: MIGRATIONS.length + 2, description: "broken", sql: "CREATE TABLE readings (x INTEGER)" },
      ];
      assert.throws(() => migrate(store.db, broken, BRIDGE_DATABASE), BridgeStoreError);
      assert.equal(
        store.db.prepare("SELECT max(version) AS v FROM schema_version").get()?.v,
        BigInt(MIGRATIONS.length),
      );
      assert.equal(store.db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get()?.n, 0n);
    } finally {
      store.close();
    }
  });

  test("a database written by a newer bridge is refused", () => {
    const file = join(tempDir(), "bridge.db");
    const store = openStore({ file });
    store.db.prepare("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')").run();
    store.close();
    assert.throws(
      () => openStore({ file }),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "The bridge database was written by a newer bridge" &&
        (error.details ?? "").includes(`version 99; this bridge knows versions up to ${MIGRATIONS.length}`),
    );
  });

  test("a file that cannot be created is a BridgeStoreError naming it", () => {
    const notAFolder = join(tempDir(), "plain-file");
    writeFileSync(notAFolder, "");
    const file = join(notAFolder, "bridge.db");
    assert.throws(
      () => openStore({ file }),
      (error) => error instanceof BridgeStoreError && error.shortMessage === `Cannot open the bridge database ${file}`,
    );
  });
});

describe("store: transactions", () => {
  test("a throwing transaction writes nothing; a nested one joins the outer", () => {
    const store = openStore({ file: ":memory:" });
    try {
      const count = () => store.db.prepare("SELECT count(*) AS n FROM neighbourhood_state").get()?.n;
      assert.throws(
        () =>
          store.transaction(() => {
            store.db.prepare("INSERT INTO neighbourhood_state VALUES ('a', 1)").run();
            store.transaction(() => store.db.prepare("INSERT INTO neighbourhood_state VALUES ('b', 2)").run());
            throw new Error("crash inside");
          }),
        (error) => !(error instanceof BridgeStoreError) && error instanceof Error && error.message === "crash inside",
        "an error of the code inside passes through as it is",
      );
      assert.throws(
        () => store.transaction(() => store.db.prepare("INSERT INTO readings VALUES ('a', 'b', 1, -5, 0, 0)").run()),
        (error) =>
          error instanceof BridgeStoreError &&
          error.shortMessage === "The bridge database could not be written" &&
          /CHECK constraint failed/.test(error.details ?? ""),
      );
      assert.equal(count(), 0n);
      assert.equal(store.db.isTransaction, false);
      store.transaction(() => store.db.prepare("INSERT INTO neighbourhood_state VALUES ('a', 1)").run());
      assert.equal(count(), 1n);
    } finally {
      store.close();
    }
  });
});

describe("storeFile", () => {
  test("the node's setting wins, then NACHBARSTROM_BRIDGE_DB, then the user directory", () => {
    assert.equal(storeFile({ configured: "/data/a.db", fromEnv: "/data/b.db", userDir: "/nr" }), "/data/a.db");
    assert.equal(storeFile({ configured: " ", fromEnv: "/data/b.db", userDir: "/nr" }), "/data/b.db");
    assert.equal(storeFile({ configured: "", fromEnv: undefined, userDir: "/nr" }), "/nr/nachbarstrom-bridge.db");
    assert.equal(storeFile({ configured: "state/a.db", fromEnv: undefined, userDir: "/nr" }), "/nr/state/a.db");
  });

  test("nothing to go by, or an unresolved ${NAME}, is a configuration error", () => {
    assert.throws(
      () => storeFile({ configured: "", fromEnv: undefined, userDir: undefined }),
      (error) => error instanceof BridgeConfigurationError && /NACHBARSTROM_BRIDGE_DB/.test(error.details ?? ""),
    );
    assert.throws(
      () => storeFile({ configured: "${BRIDGE_DB}", fromEnv: undefined, userDir: "/nr" }),
      (error) =>
        error instanceof BridgeConfigurationError && /\$\{BRIDGE_DB\}, which is not set/.test(error.details ?? ""),
    );
  });
});
