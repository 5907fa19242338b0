/**
 * The SQLite files of the bridge and the portal (Node's built-in node:sqlite): opening in WAL mode,
 * migrations recorded in schema_version, IMMEDIATE transactions and typed column reads, with errors
 * that name the file's purpose. Import it as `@nachbarstrom/core/sqlite` on the server only; the
 * package's index does not export it, so browser bundles never see node:sqlite.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLOutputValue } from "node:sqlite";
import { NachbarstromError } from "./errors.ts";

/** One step of a schema; applied once, in order, and recorded in schema_version. */
export type Migration = { version: number; description: string; sql: string };

/** Makes the error a database reports: each file has its own class (BridgeStoreError, ReadModelError, …). */
export type DatabaseErrorFactory = (
  shortMessage: string,
  options: { details?: string; cause?: unknown },
) => NachbarstromError;

/** What a database is, for its error messages, e.g. { name: "the bridge database", writer: "bridge" }. */
export type DatabaseKind = { name: string; writer: string; error: DatabaseErrorFactory };

export type OpenDatabaseParameters = {
  /** Path of the file, created with its folder when missing; ":memory:" for tests. */
  file: string;
  kind: DatabaseKind;
  migrations: readonly Migration[];
  /**
   * FULL: a commit is on disk when it returns. NORMAL (in WAL mode): a commit survives a crash of the
   * process, and the next FULL commit of any connection, or a checkpoint, puts it on disk.
   */
  synchronous: "FULL" | "NORMAL";
  foreignKeys?: boolean;
  /** Integers read as bigint (true unless given) or as number. */
  readBigInts?: boolean;
  /** Wall clock in ms for schema_version.applied_at; injectable for tests. */
  now?: () => number;
};

/** How long a connection waits for another one's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

/** Opens (or creates) the file in WAL mode and brings it to the newest migration. */
export function openDatabase({
  file,
  kind,
  migrations,
  synchronous,
  foreignKeys = false,
  readBigInts = true,
  now = Date.now,
}: OpenDatabaseParameters): { db: DatabaseSync; schemaVersion: number } {
  let db: DatabaseSync;
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    db = new DatabaseSync(file, {
      enableForeignKeyConstraints: foreignKeys,
      timeout: BUSY_TIMEOUT_MS,
      readBigInts,
      defensive: true,
    });
  } catch (cause) {
    throw kind.error(`Cannot open ${kind.name} ${file}`, { details: messageOf(cause), cause });
  }
  try {
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode;
    // An in-memory database (tests) cannot use WAL and needs no journal on disk anyway.
    if (mode !== "wal" && !(file === ":memory:" && mode === "memory")) {
      throw kind.error(`Cannot use WAL mode for ${kind.name} ${file}`, {
        details: `SQLite keeps journal mode ${String(mode)}; the file system may not support shared memory`,
      });
    }
    db.exec(`PRAGMA synchronous = ${synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
    const { to } = migrate(db, migrations, kind, now);
    return { db, schemaVersion: to };
  } catch (error) {
    db.close();
    if (error instanceof NachbarstromError) throw error;
    throw kind.error(`Cannot prepare ${kind.name} ${file}`, { details: messageOf(error), cause: error });
  }
}

/**
 * Brings the schema up to the newest migration in one IMMEDIATE transaction, so two connections
 * opening the same file at once cannot both migrate. A file written by a newer program is refused.
 */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[],
  kind: DatabaseKind,
  now: () => number = Date.now,
): { from: number; to: number } {
  const latest = migrations.at(-1)?.version ?? 0;
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version INTEGER NOT NULL PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) WITHOUT ROWID`);
    const row = db.prepare("SELECT max(version) AS version FROM schema_version").get();
    const from = row?.version === null || row?.version === undefined ? 0 : Number(row.version);
    if (from > latest) {
      throw kind.error(`${capitalised(kind.name)} was written by a newer ${kind.writer}`, {
        details: `its schema is version ${from}; this ${kind.writer} knows versions up to ${latest}`,
      });
    }
    const record = db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date(now()).toISOString());
    }
    db.exec("COMMIT");
    return { from, to: Math.max(from, latest) };
  } catch (error) {
    db.exec("ROLLBACK");
    if (error instanceof NachbarstromError) throw error;
    throw kind.error(`${capitalised(kind.name)} could not be migrated`, { details: messageOf(error), cause: error });
  }
}

/**
 * Runs `fn` in one IMMEDIATE transaction: all of its writes are kept, or none. Nests by joining. A
 * failure of SQLite itself (disk full, I/O, a closed database) is thrown as the kind's error.
 */
export function inTransaction<T>(db: DatabaseSync, kind: DatabaseKind, fn: () => T): T {
  if (db.isTransaction) return fn();
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } catch (error) {
    if (!isSqliteError(error)) throw error;
    throw kind.error(`${capitalised(kind.name)} could not be written`, { details: messageOf(error), cause: error });
  }
}

/** An error node:sqlite raised, as opposed to one thrown by the code inside a transaction. */
function isSqliteError(error: unknown): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  // ERR_INVALID_STATE: the database was closed, e.g. while its owner was stopping.
  return error.code === "ERR_SQLITE_ERROR" || error.code === "ERR_INVALID_STATE";
}

/** A row as node:sqlite returns it, with integers read as bigint (readBigInts). */
export type Row = Record<string, SQLOutputValue>;

/** Typed reads of a row's columns; a wrong type means the file was changed by something else. */
export type Columns = {
  int(row: Row, column: string): bigint;
  text(row: Row, column: string): string;
  optionalText(row: Row, column: string): string | null;
};

export function columnsOf(kind: DatabaseKind): Columns {
  const corrupt = (column: string, value: unknown) =>
    kind.error(`${capitalised(kind.name)} holds a value of the wrong type`, {
      details: `column ${column} holds ${typeof value} ${String(value)}`,
    });
  const text = (row: Row, column: string) => {
    const value = row[column];
    if (typeof value !== "string") throw corrupt(column, value);
    return value;
  };
  return {
    int(row, column) {
      const value = row[column];
      if (typeof value !== "bigint") throw corrupt(column, value);
      return value;
    },
    text,
    optionalText: (row, column) => (row[column] === null ? null : text(row, column)),
  };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
