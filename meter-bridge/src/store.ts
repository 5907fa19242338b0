/**
 * The bridge database (readings, aggregation state, outbox, inbox; schema in store-schema.ts) on the
 * data-access layer of @nachbarstrom/core/database (ADR 0010): a SQLite file by default, or a schema
 * `bridge` in a PostgreSQL database when the location is a postgres:// URL, where several bridge
 * processes can share it (ADR 0011).
 */
import {
  openStore as openDatabase,
  type Generated,
  type Kysely,
  type StoreDatabase,
  type StoreKind,
  type Transaction,
} from "@nachbarstrom/core/database";
import { BridgeStoreError } from "./errors.ts";
import type { OwnershipTables } from "./ownership.ts";
import type { RelayTables } from "./relay.ts";
import { MIGRATIONS } from "./store-schema.ts";

/** The tables as Kysely sees them. INTEGER columns are read as bigint on both dialects. */
export type BridgeTables = OwnershipTables &
  RelayTables & {
    readings: {
      neighbourhood: string;
      metering_point_id: string;
      unix_seconds: bigint;
      import_wh: bigint;
      export_wh: bigint;
      received_at: bigint;
    };
    meter_state: { neighbourhood: string; metering_point_id: string; settled_seconds: bigint };
    neighbourhood_state: { neighbourhood: string; closed_until: bigint };
    outbox: {
      id: Generated<bigint>;
      neighbourhood: string;
      interval: bigint;
      neighbourhood_id: string;
      commitment: string;
      batch: string;
      status: string;
      tx_hash: string | null;
      commitment_matches: bigint | null;
      error: string | null;
      created_at: bigint;
      updated_at: bigint;
    };
    outbox_transactions: {
      outbox_id: bigint;
      seq: bigint;
      hash: string;
      raw: string;
      nonce: bigint;
      signed_at: bigint;
    };
    inbox: { id: Generated<bigint>; source: string; topic: string; payload: Uint8Array; received_at: bigint };
  };

/** An open bridge database. */
export type Store = StoreDatabase<BridgeTables>;

/** The database or a transaction on it: what a function that may run inside a transaction takes. */
export type Executor = Kysely<BridgeTables> | Transaction<BridgeTables>;

export type OpenStoreParameters = {
  /** A SQLite file (created with its folder when missing), ":memory:", or a postgres:// URL. */
  location: string;
  /** Wall clock in ms for schema_version.applied_at; injectable for tests. */
  now?: () => number;
  /**
   * SQLite only; "FULL" unless given. The inbox's connection uses "NORMAL": its commits survive a crash
   * of the process, and the next FULL commit of any connection (the readings', every few ms) syncs them
   * to disk. On PostgreSQL a commit is durable when it returns.
   */
  synchronous?: "FULL" | "NORMAL";
};

/** The bridge database, for its error messages; its tables live in the PostgreSQL schema `bridge`. */
export const BRIDGE_DATABASE: StoreKind = {
  name: "the bridge database",
  writer: "bridge",
  schema: "bridge",
  error: (shortMessage, options) => new BridgeStoreError(shortMessage, options),
};

/**
 * Opens (or creates) the bridge database and runs the migrations. A SQLite file is in WAL mode with
 * synchronous=FULL unless asked otherwise: in WAL mode NORMAL keeps the database consistent but may
 * lose the last transactions on a power cut, and the bridge acknowledges a reading (and drops the
 * closed interval from memory) as soon as its transaction commits. Group commit keeps the fsyncs few.
 */
export function openStore({ location, now = Date.now, synchronous = "FULL" }: OpenStoreParameters): Promise<Store> {
  return openDatabase<BridgeTables>({
    location,
    kind: BRIDGE_DATABASE,
    migrations: MIGRATIONS,
    synchronous,
    foreignKeys: true,
    now,
  });
}
