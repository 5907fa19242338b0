import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ReadModelError } from "./errors.ts";
import { MIGRATIONS } from "./schema.ts";
import { openReadModelStore } from "./store.ts";

describe("openReadModelStore", () => {
  it("creates the file in WAL mode with every migration recorded, and opens it again as it is", () => {
    const dir = mkdtempSync(join(tmpdir(), "read-model-store-"));
    try {
      const file = join(dir, "nested", "read-model.db");
      let store = openReadModelStore({ file, now: () => 0 });
      assert.equal(store.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      const versions = store.db.prepare("SELECT version, applied_at FROM schema_version").all();
      assert.deepEqual(
        versions.map((v) => [v.version, v.applied_at]),
        MIGRATIONS.map((m) => [BigInt(m.version), "1970-01-01T00:00:00.000Z"]),
      );
      assert.equal(store.progress(), undefined);
      assert.equal(
        store.mismatch({ chainId: 1, contracts: {}, deployedAtBlock: 0n, deploymentBlockHash: "0x" }),
        "the file is new",
      );
      store.close();
      store = openReadModelStore({ file });
      assert.equal(store.db.prepare("SELECT count(*) AS n FROM schema_version").get()?.n, BigInt(MIGRATIONS.length));
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers the console's and statements' lookups from an index, not a scan", () => {
    const store = openReadModelStore({ file: ":memory:" });
    try {
      const plan = (sql: string) =>
        store.db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(1, 2, 3)
          .map((row) => String(row.detail))
          .join("; ");
      assert.match(
        plan("SELECT count(*) FROM corrections WHERE neighbourhood = ? AND interval = ? AND ? IS NOT NULL"),
        /USING COVERING INDEX corrections_by_interval/,
      );
      assert.match(
        plan("SELECT credited FROM cost_cap_credits WHERE neighbourhood = ? AND number = ? AND month = ?"),
        /USING INDEX cost_cap_credits_by_meter/,
      );
    } finally {
      store.close();
    }
  });

  it("refuses a file written by a newer portal", () => {
    const dir = mkdtempSync(join(tmpdir(), "read-model-store-"));
    try {
      const file = join(dir, "read-model.db");
      const store = openReadModelStore({ file });
      store.db.prepare("INSERT INTO schema_version VALUES (99, 'future', 'x')").run();
      store.close();
      assert.throws(
        () => openReadModelStore({ file }),
        (error: unknown) => {
          assert.ok(error instanceof ReadModelError);
          assert.match(error.message, /newer portal/);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
