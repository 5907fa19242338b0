/**
 * Where a store test keeps its database: a SQLite file in a fresh folder, or, when the suite runs
 * against PostgreSQL (NACHBARSTROM_TEST_DATABASE=postgres, `npm run test:postgres`), a fresh
 * database on the test server. Store tests are written once and run on both.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshTestDatabase, testsUsePostgres } from "./test-postgres.ts";

export async function testStoreLocation(name = "store"): Promise<string> {
  if (testsUsePostgres()) return freshTestDatabase();
  return join(mkdtempSync(join(tmpdir(), "nachbarstrom-test-")), `${name}.sqlite`);
}

/** "sqlite" or "postgres", for test names. */
export const testDialect = testsUsePostgres() ? "postgres" : "sqlite";
