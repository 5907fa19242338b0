import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NachbarstromError } from "./errors.ts";
import { columnsOf, inTransaction, migrate, openDatabase, type DatabaseKind, type Migration } from "./sqlite.ts";

class TestStoreError extends NachbarstromError {
  override name = "TestStoreError";
}
const KIND: DatabaseKind = {
  name: "the test database",
  writer: "tester",
  error: (message, options) => new TestStoreError(message, options),
};
const MIGRATIONS: Migration[] = [
  { version: 1, description: "things", sql: "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)" },
  { version: 2, description: "colour", sql: "ALTER TABLE things ADD COLUMN colour TEXT" },
];
const open = (file: string, migrations = MIGRATIONS) =>
  openDatabase({ file, kind: KIND, migrations, synchronous: "FULL", now: () => Date.UTC(2026, 10, 23) });

describe("sqlite", () => {
  test("opens in WAL mode, applies each migration once and records it", () => {
    const file = join(mkdtempSync(join(tmpdir(), "sqlite-")), "nested", "test.db");
    const first = open(file, MIGRATIONS.slice(0, 1));
    assert.equal(first.schemaVersion, 1);
    assert.equal(first.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    first.db.close();
    const again = open(file);
    assert.equal(again.schemaVersion, 2);
    const versions = again.db.prepare("SELECT version, applied_at FROM schema_version ORDER BY version").all();
    assert.deepEqual(
      versions.map((v) => ({ ...v })),
      [1n, 2n].map((version) => ({ version, applied_at: "2026-11-23T00:00:00.000Z" })),
    );
    assert.deepEqual(migrate(again.db, MIGRATIONS, KIND), { from: 2, to: 2 });
    again.db.close();
  });

  test("refuses a file of a newer writer, and rolls back a failing migration, with the kind's error", () => {
    const { db } = open(":memory:");
    db.prepare("INSERT INTO schema_version VALUES (9, 'future', 'x')").run();
    assert.throws(
      () => migrate(db, MIGRATIONS, KIND),
      (error) =>
        error instanceof TestStoreError &&
        error.shortMessage === "The test database was written by a newer tester" &&
        error.details === "its schema is version 9; this tester knows versions up to 2",
    );
    db.prepare("DELETE FROM schema_version WHERE version = 9").run();
    const broken = [...MIGRATIONS, { version: 3, description: "bad", sql: "CREATE TABLE things (x)" }];
    assert.throws(() => migrate(db, broken, KIND), /could not be migrated/);
    assert.equal(db.prepare("SELECT max(version) AS v FROM schema_version").get()?.v, 2n);
    db.close();
  });

  test("a transaction keeps all or nothing, joins an outer one, and reports SQLite's own failures", () => {
    const { db } = open(":memory:");
    const insert = db.prepare("INSERT INTO things (name) VALUES (?)");
    assert.throws(
      () =>
        inTransaction(db, KIND, () => {
          insert.run("kept?");
          throw new Error("the caller's own failure");
        }),
      /the caller's own failure/,
    );
    inTransaction(db, KIND, () => {
      insert.run("outer");
      inTransaction(db, KIND, () => insert.run("inner"));
    });
    assert.deepEqual(
      db
        .prepare("SELECT name FROM things")
        .all()
        .map((r) => r.name),
      ["outer", "inner"],
    );
    assert.throws(
      () => inTransaction(db, KIND, () => db.prepare("INSERT INTO missing VALUES (1)").run()),
      (error) => error instanceof TestStoreError && error.shortMessage === "The test database could not be written",
    );
    db.close();
  });

  test("typed columns name the column and value of the wrong type", () => {
    const columns = columnsOf(KIND);
    assert.equal(columns.int({ n: 5n }, "n"), 5n);
    assert.equal(columns.optionalText({ s: null }, "s"), null);
    assert.throws(
      () => columns.text({ s: 5n }, "s"),
      (error) => error instanceof TestStoreError && error.details === "column s holds bigint 5",
    );
  });
});
