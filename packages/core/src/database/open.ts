/**
 * One data-access layer for the off-chain stores (the bridge's readings and outbox, the portal's read
 * model, the accounts): Kysely over a SQLite file by default, or over PostgreSQL when the location is
 * a postgres:// URL (ADR 0010). Each store keeps its own schema_version; on PostgreSQL each store has
 * its own schema (kind.schema), so the three can share one database.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
import { NachbarstromError } from "../errors.ts";
import {
  openDatabase as openSqliteFile,
  type DatabaseKind as FileKind,
  type Migration as FileMigration,
} from "../sqlite.ts";
import { isPostgresUrl, redacted, toPostgres } from "./postgres-sql.ts";
import { NodeSqliteDialect } from "./sqlite-dialect.ts";
import { statement, type Statement } from "./statement.ts";

/** One step of a schema: SQLite DDL, translated for PostgreSQL unless `postgres` gives the text. */
export type Migration = FileMigration & { postgres?: string };

/** What a store is, for messages, and the PostgreSQL schema that holds its tables. */
export type StoreKind = FileKind & { schema: string };

export type Dialect = "sqlite" | "postgres";

export type StoreDatabase<Schema> = {
  /**
   * The database; inside `transaction(fn)` (also in functions `fn` calls) the transaction itself, so
   * code written against `store.db` joins the transaction it runs in, as SQLite's nested BEGIN would.
   */
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /** The file or URL, without a password. */
  readonly location: string;
  readonly schemaVersion: number;
  /** A statement in SQL text with `?` placeholders, run on `db` (statement.ts). */
  prepare(text: string): Statement;
  /**
   * Runs `fn` in one transaction (IMMEDIATE on SQLite, READ COMMITTED on PostgreSQL): all of its
   * writes are kept, or none. Called inside another, it joins it. A failure of the database itself is
   * thrown as the kind's error.
   */
  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type OpenStoreParameters = {
  /** A SQLite file path (created with its folder), ":memory:", or a postgres:// URL. */
  location: string;
  kind: StoreKind;
  migrations: readonly Migration[];
  /** SQLite only; see core/sqlite.ts. */
  synchronous?: "FULL" | "NORMAL";
  foreignKeys?: boolean;
  /** PostgreSQL connections this process may hold. */
  poolSize?: number;
  /** 64-bit integers (and integral sums and counts) read as bigint (true unless given) or as number. */
  readBigInts?: boolean;
  now?: () => number;
};

export async function openStore<Schema>(parameters: OpenStoreParameters): Promise<StoreDatabase<Schema>> {
  return isPostgresUrl(parameters.location) ? openPostgres(parameters) : openSqlite(parameters);
}

function openSqlite<Schema>({
  location,
  kind,
  migrations,
  synchronous = "FULL",
  foreignKeys = false,
  readBigInts = true,
  now,
}: OpenStoreParameters): StoreDatabase<Schema> {
  const { db: file, schemaVersion } = openSqliteFile({
    file: location,
    kind,
    migrations,
    synchronous,
    foreignKeys,
    readBigInts,
    now,
  });
  const db = new Kysely<Schema>({ dialect: new NodeSqliteDialect(file) });
  return finish(db, "sqlite", location, schemaVersion, kind);
}

async function openPostgres<Schema>({
  location,
  kind,
  migrations,
  poolSize = 10,
  readBigInts = true,
  now = Date.now,
}: OpenStoreParameters): Promise<StoreDatabase<Schema>> {
  const integer = readBigInts ? BigInt : Number;
  const pool = new pg.Pool({
    connectionString: location,
    max: poolSize,
    options: `-c search_path=${quoteIdentifier(kind.schema)}`,
    types: { getTypeParser: (oid: number, format?: string) => parserOf(oid, format, integer) },
    // Idle connections do not keep a finished process alive.
    allowExitOnIdle: true,
  });
  // An idle connection's failure (the server restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const schemaVersion = await migratePostgres(pool, kind, migrations, now);
    return finish(db, "postgres", redacted(location), schemaVersion, kind);
  } catch (error) {
    await db.destroy();
    if (error instanceof NachbarstromError) throw error;
    throw kind.error(`Cannot open ${kind.name} at ${redacted(location)}`, { details: messageOf(error), cause: error });
  }
}

function finish<Schema>(
  db: Kysely<Schema>,
  dialect: Dialect,
  location: string,
  schemaVersion: number,
  kind: StoreKind,
): StoreDatabase<Schema> {
  let closed: Promise<void> | undefined;
  const current = new AsyncLocalStorage<Transaction<Schema>>();
  return {
    get db() {
      return current.getStore() ?? db;
    },
    dialect,
    location,
    schemaVersion,
    prepare: (text) => statement(() => (current.getStore() ?? db) as Kysely<unknown>, dialect, text),
    async transaction(fn) {
      const outer = current.getStore();
      if (outer) return fn(outer);
      try {
        return await db.transaction().execute((trx) => current.run(trx, () => fn(trx)));
      } catch (error) {
        if (!isDatabaseError(error)) throw error;
        throw kind.error(`${capitalised(kind.name)} could not be written`, { details: messageOf(error), cause: error });
      }
    },
    close: () => (closed ??= db.destroy()),
  };
}

/**
 * Brings the store's schema up to the newest migration in one transaction, holding an advisory lock
 * so two processes starting at once cannot both migrate. A schema written by a newer program is refused.
 */
async function migratePostgres(
  pool: pg.Pool,
  kind: StoreKind,
  migrations: readonly Migration[],
  now: () => number,
): Promise<number> {
  const latest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`nachbarstrom:${kind.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(kind.schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
        version BIGINT NOT NULL PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      const { rows } = await client.query<{ version: bigint | null }>(
        "SELECT max(version) AS version FROM schema_version",
      );
      const from = Number(rows[0]?.version ?? 0);
      if (from > latest) {
        throw kind.error(`${capitalised(kind.name)} was written by a newer ${kind.writer}`, {
          details: `its schema is version ${from}; this ${kind.writer} knows versions up to ${latest}`,
        });
      }
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        await client.query(migration.postgres ?? toPostgres(migration.sql));
        await client.query("INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)", [
          migration.version,
          migration.description,
          new Date(now()).toISOString(),
        ]);
      }
      await client.query("COMMIT");
      return Math.max(from, latest);
    } catch (error) {
      await client.query("ROLLBACK");
      if (error instanceof NachbarstromError) throw error;
      throw kind.error(`${capitalised(kind.name)} could not be migrated`, { details: messageOf(error), cause: error });
    }
  } finally {
    client.release();
  }
}

/** 64-bit integers and integral sums come back as node:sqlite reads them: bigint, or number (readBigInts). */
function parserOf(
  oid: number,
  format: string | undefined,
  integer: (text: string) => unknown,
): (value: string) => unknown {
  if (oid === pg.types.builtins.INT8) return integer;
  if (oid === pg.types.builtins.NUMERIC) return (value) => (/^-?\d+$/.test(value) ? integer(value) : value);
  return pg.types.getTypeParser(oid, format as "text");
}

/** An error raised by SQLite or PostgreSQL, as opposed to one thrown by the code inside a transaction. */
export function isDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof pg.DatabaseError) return true;
  const code = (error as { code?: unknown }).code;
  return (
    code === "ERR_SQLITE_ERROR" || code === "ERR_INVALID_STATE" || code === "ECONNREFUSED" || code === "ECONNRESET"
  );
}

/** A unique or primary key constraint refused the write (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return error.code === "23505";
  return error instanceof Error && /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(error.message);
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid schema name ${name}`);
  return `"${name}"`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
