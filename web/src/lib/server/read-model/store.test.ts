import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { ReadModelError } from "./errors.ts";
import { MIGRATIONS } from "./schema.ts";
import { allRows, openReadModelStore } from "./store.ts";

describe(`openReadModelStore (${testDialect})`, () => {
  it("creates the read model with every migration recorded, and opens it again as it is", async () => {
    const location = await testStoreLocation("read-model");
    let store = await openReadModelStore({ location, now: () => 0 });
    if (store.dialect === "sqlite") {
      const [mode] = await allRows(store.db, sql`PRAGMA journal_mode`);
      assert.equal(mode?.journal_mode, "wal");
    }
    const versions = await allRows(store.db, sql`SELECT version, applied_at FROM schema_version ORDER BY version`);
    assert.deepEqual(
      versions.map((v) => [v.version, v.applied_at]),
      MIGRATIONS.map((m) => [BigInt(m.version), "1970-01-01T00:00:00.000Z"]),
    );
    assert.equal(await store.progress(), undefined);
    assert.equal(
      await store.mismatch({ chainId: 1, contracts: {}, deployedAtBlock: 0n, deploymentBlockHash: "0x" }),
      "the read model is new",
    );
    await store.close();
    store = await openReadModelStore({ location });
    const [count] = await allRows(store.db, sql`SELECT count(*) AS n FROM schema_version`);
    assert.equal(count?.n, BigInt(MIGRATIONS.length));
    await store.close();
  });

  it("answers the console's and statements' lookups from an index, not a scan (SQLite's plan)", async () => {
    const store = await openReadModelStore({ location: ":memory:" });
    try {
      const plan = async (query: ReturnType<typeof sql>) =>
        (await allRows(store.db, sql`EXPLAIN QUERY PLAN ${query}`)).map((row) => String(row.detail)).join("; ");
      assert.match(
        await plan(
          sql`SELECT count(*) FROM corrections WHERE neighbourhood = ${1} AND interval = ${2} AND ${3} IS NOT NULL`,
        ),
        /USING COVERING INDEX corrections_by_interval/,
      );
      assert.match(
        await plan(
          sql`SELECT credited FROM cost_cap_credits WHERE neighbourhood = ${1} AND number = ${2} AND month = ${3}`,
        ),
        /USING INDEX cost_cap_credits_by_meter/,
      );
    } finally {
      await store.close();
    }
  });

  it("refuses a read model written by a newer portal", async () => {
    const location = await testStoreLocation("read-model");
    const store = await openReadModelStore({ location });
    await sql`INSERT INTO schema_version VALUES (99, 'future', 'x')`.execute(store.db);
    await store.close();
    await assert.rejects(openReadModelStore({ location }), (error: unknown) => {
      assert.ok(error instanceof ReadModelError);
      assert.match(error.message, /newer portal/);
      return true;
    });
  });
});
