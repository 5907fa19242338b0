import { OWNERSHIP_SQL } from "./ownership.ts";
import { RELAY_SQL } from "./relay.ts";
import type { Migration } from "@nachbarstrom/core/database";

export type { Migration };

/**
 * The bridge database's schema, oldest first, as SQLite DDL (translated for PostgreSQL by the data-access
 * layer). Never edit a released migration: add the next one.
 * Registers and seconds are INTEGER (64-bit); hashes and ids are 0x-prefixed hex TEXT.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "readings, per-meter and per-neighbourhood aggregation state, settlement outbox",
    sql: `
      -- Every reading the bridge accepted. A second delivery with the same key is a duplicate when
      -- its registers are equal and a conflict when they differ.
      CREATE TABLE readings (
        neighbourhood TEXT NOT NULL,
        metering_point_id TEXT NOT NULL,
        unix_seconds INTEGER NOT NULL,
        import_wh INTEGER NOT NULL CHECK (import_wh >= 0),
        export_wh INTEGER NOT NULL CHECK (export_wh >= 0),
        -- Wall-clock ms when the bridge accepted it: the grace period counts from here.
        received_at INTEGER NOT NULL,
        PRIMARY KEY (neighbourhood, metering_point_id, unix_seconds)
      ) WITHOUT ROWID;

      -- Per meter: the reading at the end of the last closed interval it was settled in (at first
      -- its baseline). Its readings after that time are the open ones.
      CREATE TABLE meter_state (
        neighbourhood TEXT NOT NULL,
        metering_point_id TEXT NOT NULL,
        settled_seconds INTEGER NOT NULL,
        PRIMARY KEY (neighbourhood, metering_point_id),
        FOREIGN KEY (neighbourhood, metering_point_id, settled_seconds)
          REFERENCES readings (neighbourhood, metering_point_id, unix_seconds)
      ) WITHOUT ROWID;

      -- Per neighbourhood: the end of its last closed interval (unix seconds).
      CREATE TABLE neighbourhood_state (
        neighbourhood TEXT NOT NULL PRIMARY KEY,
        closed_until INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- One row per closed neighbourhood-interval, written in the transaction that closes it.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        neighbourhood TEXT NOT NULL,
        interval INTEGER NOT NULL,
        neighbourhood_id TEXT NOT NULL,
        commitment TEXT NOT NULL,
        -- The whole IntervalBatch as JSON, integers as decimal strings.
        batch TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'submitted', 'confirmed', 'already-settled', 'failed')),
        -- The last settle() transaction sent; for already-settled the one that settled it, if found.
        tx_hash TEXT,
        commitment_matches INTEGER CHECK (commitment_matches IN (0, 1)),
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (neighbourhood, interval)
      );
      CREATE INDEX outbox_open ON outbox (id) WHERE status IN ('pending', 'submitted');
    `,
  },
  {
    version: 2,
    description: "signed transactions of each outbox entry, stored before they are broadcast",
    sql: `
      -- Every transaction signed for an outbox entry, in the order signed, written before it is
      -- broadcast: after a crash or a chain node restart the same transactions are broadcast again.
      CREATE TABLE outbox_transactions (
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        seq INTEGER NOT NULL CHECK (seq >= 0),
        hash TEXT NOT NULL UNIQUE,
        -- The signed, serialised transaction (0x hex), as eth_sendRawTransaction takes it.
        raw TEXT NOT NULL,
        nonce INTEGER NOT NULL CHECK (nonce >= 0),
        signed_at INTEGER NOT NULL,
        PRIMARY KEY (outbox_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: "inbox: messages stored before the broker or HTTP client gets their acknowledgement",
    sql: `
      -- Every message the bridge's inputs received, written before the sender is acknowledged and
      -- deleted once each reading in it is stored or rejected; what is left is replayed at start.
      CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        -- The node that received it (MQTT input or HTTP ingest); it sends it again at start.
        source TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        -- Wall-clock ms when it arrived.
        received_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: "several bridge processes: leases of neighbourhoods and of the outbox, the relay (ADR 0011)",
    sql: OWNERSHIP_SQL + RELAY_SQL,
  },
];
