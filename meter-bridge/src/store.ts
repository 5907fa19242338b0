import type { DatabaseSync } from "node:sqlite";
import { columnsOf, inTransaction, openDatabase, type DatabaseKind, type Row } from "@nachbarstrom/core/sqlite";
import { BridgeStoreError } from "./errors.ts";
import { MIGRATIONS } from "./store-schema.ts";

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

/** The bridge database, for its error messages. */
export const BRIDGE_DATABASE: DatabaseKind = {
  name: "the bridge database",
  writer: "bridge",
  error: (shortMessage, options) => new BridgeStoreError(shortMessage, options),
};

/**
 * Opens (or creates) the bridge database in WAL mode with synchronous=FULL and runs the migrations.
 *
 * FULL, not NORMAL: in WAL mode NORMAL keeps the database consistent but may lose the last
 * transactions on a power cut, and the bridge acknowledges a reading (and drops the closed interval
 * from memory) as soon as its transaction commits. Group commit keeps the fsyncs few.
 */
export function openStore({ file, now = Date.now, synchronous = "FULL" }: OpenStoreParameters): Store {
  const { db, schemaVersion } = openDatabase({
    file,
    kind: BRIDGE_DATABASE,
    migrations: MIGRATIONS,
    synchronous,
    foreignKeys: true,
    now,
  });
  return {
    file,
    db,
    schemaVersion,
    transaction: (fn) => inTransaction(db, BRIDGE_DATABASE, fn),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

const columns = columnsOf(BRIDGE_DATABASE);
/** Reads an INTEGER column; a wrong type means the file was changed by something else. */
export const intColumn = columns.int;
export const textColumn = columns.text;
export const optionalTextColumn = columns.optionalText;
export type { Row };
