import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLOutputValue } from "node:sqlite";
import { BridgeStoreError } from "./errors.ts";
import { migrate } from "./store-schema.ts";

/** An open bridge database: readings, aggregation state and the settlement outbox (store-schema.ts). */
export type Store = {
  readonly file: string;
  readonly db: DatabaseSync;
  /**
   * Runs `fn` in one IMMEDIATE transaction: all of its writes are durable, or none. Nests by joining.
   * A failure of SQLite itself (disk full, I/O, a closed database) is thrown as BridgeStoreError.
   */
  transaction<T>(fn: () => T): T;
  /** The schema version after the migrations run at open. */
  readonly schemaVersion: number;
  close(): void;
};

export type OpenStoreParameters = {
  /** Path of the SQLite file; created with its folder when missing. */
  file: string;
  /** Wall clock in ms for schema_version.applied_at; injectable for tests. */
  now?: () => number;
  /**
   * "FULL" unless given. The MQTT inbox's connection uses "NORMAL": its commits survive a crash of the
   * process, and the next FULL commit of any connection (the readings', every few ms) syncs them to disk.
   */
  synchronous?: "FULL" | "NORMAL";
};

/** How long a connection waits for another one's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (or creates) the bridge database in WAL mode with synchronous=FULL and runs the migrations.
 *
 * FULL, not NORMAL: in WAL mode NORMAL keeps the database consistent but may lose the last
 * transactions on a power cut, and the bridge acknowledges a reading (and drops the closed interval
 * from memory) as soon as its transaction commits. A few dozen meters every minute make the fsync
 * per commit cheap.
 */
export function openStore({ file, now = Date.now, synchronous = "FULL" }: OpenStoreParameters): Store {
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new DatabaseSync(file, {
      enableForeignKeyConstraints: true,
      timeout: BUSY_TIMEOUT_MS,
      readBigInts: true,
      defensive: true,
    });
  } catch (cause) {
    throw new BridgeStoreError(`Cannot open the bridge database ${file}`, { details: messageOf(cause), cause });
  }
  try {
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode;
    // An in-memory database (tests) cannot use WAL and needs no journal on disk anyway.
    if (mode !== "wal" && !(file === ":memory:" && mode === "memory")) {
      throw new BridgeStoreError(`Cannot use WAL mode for the bridge database ${file}`, {
        details: `SQLite keeps journal mode ${String(mode)}; the file system may not support shared memory`,
      });
    }
    db.exec(`PRAGMA synchronous = ${synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
    const { to } = migrate(db, undefined, now);
    return {
      file,
      db,
      schemaVersion: to,
      transaction: (fn) => transaction(db, fn),
      close: () => {
        if (db.isOpen) db.close();
      },
    };
  } catch (error) {
    db.close();
    if (error instanceof BridgeStoreError) throw error;
    throw new BridgeStoreError(`Cannot prepare the bridge database ${file}`, {
      details: messageOf(error),
      cause: error,
    });
  }
}

function transaction<T>(db: DatabaseSync, fn: () => T): T {
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
    throw new BridgeStoreError("The bridge database could not be written", { details: messageOf(error), cause: error });
  }
}

/** An error node:sqlite raised, as opposed to one thrown by the code inside a transaction. */
function isSqliteError(error: unknown): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  // ERR_INVALID_STATE: the database was closed, e.g. while a node was stopping.
  return error.code === "ERR_SQLITE_ERROR" || error.code === "ERR_INVALID_STATE";
}

/** A row as node:sqlite returns it, with integers read as bigint (readBigInts). */
export type Row = Record<string, SQLOutputValue>;

/** Reads an INTEGER column; a wrong type means the file was changed by something else. */
export function intColumn(row: Row, column: string): bigint {
  const value = row[column];
  if (typeof value !== "bigint") throw corrupt(column, value);
  return value;
}

export function textColumn(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw corrupt(column, value);
  return value;
}

export function optionalTextColumn(row: Row, column: string): string | null {
  return row[column] === null ? null : textColumn(row, column);
}

function corrupt(column: string, value: unknown): BridgeStoreError {
  return new BridgeStoreError("The bridge database holds a value of the wrong type", {
    details: `column ${column} holds ${typeof value} ${String(value)}`,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
