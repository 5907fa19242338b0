/**
 * The relay between bridge processes (ADR 0011): a process that decoded a reading of a neighbourhood
 * another process holds stores it here, in the transaction that finishes the message; the holder
 * takes the relayed readings of its neighbourhoods into its aggregator and deletes them in one
 * transaction. A reading is therefore in the relay or handled by its holder, never both, never lost.
 */
import type { Reading } from "@nachbarstrom/core";
import type { Generated, Kysely, Transaction } from "@nachbarstrom/core/database";

/** The relay table (part of bridge migration 4). */
export const RELAY_SQL = `
  -- Readings decoded by one bridge process for a neighbourhood another one holds, oldest first.
  CREATE TABLE relay (
    id INTEGER PRIMARY KEY,
    neighbourhood TEXT NOT NULL,
    metering_point_id TEXT NOT NULL,
    unix_seconds INTEGER NOT NULL,
    import_wh INTEGER NOT NULL,
    export_wh INTEGER NOT NULL,
    -- Wall-clock ms when the decoding process received it: the grace period counts from here.
    received_at INTEGER NOT NULL,
    -- The process that decoded it, for the operator.
    relayed_by TEXT NOT NULL
  );
  CREATE INDEX relay_by_neighbourhood ON relay (neighbourhood, id);
`;

export type RelayTables = {
  relay: {
    id: Generated<bigint | number>;
    neighbourhood: string;
    metering_point_id: string;
    unix_seconds: bigint | number;
    import_wh: bigint;
    export_wh: bigint;
    received_at: bigint | number;
    relayed_by: string;
  };
};

export type RelayedReading = Reading & { receivedAt: number };

type Executor = Kysely<RelayTables> | Transaction<RelayTables>;

/** Stores readings for the holders of their neighbourhoods. */
export async function relayReadings(
  db: Executor,
  readings: readonly RelayedReading[],
  relayedBy: string,
): Promise<void> {
  if (readings.length === 0) return;
  await db
    .insertInto("relay")
    .values(
      readings.map((reading) => ({
        neighbourhood: reading.neighbourhood,
        metering_point_id: reading.meteringPointId,
        unix_seconds: reading.unixSeconds,
        import_wh: reading.importWh,
        export_wh: reading.exportWh,
        received_at: reading.receivedAt,
        relayed_by: relayedBy,
      })),
    )
    .execute();
}

/**
 * Removes and returns up to `limit` relayed readings of `neighbourhoods`, oldest first. Run it in the
 * transaction that hands them to the aggregator: if that fails, they stay in the relay.
 */
export async function takeRelayed(
  trx: Executor,
  neighbourhoods: readonly string[],
  limit = 5000,
): Promise<RelayedReading[]> {
  if (neighbourhoods.length === 0) return [];
  const rows = await trx
    .selectFrom("relay")
    .selectAll()
    .where("neighbourhood", "in", neighbourhoods)
    .orderBy("id")
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const taken = await trx
    .deleteFrom("relay")
    .where(
      "id",
      "in",
      rows.map((row) => row.id as bigint),
    )
    .executeTakeFirst();
  // Another process took some of them between the select and the delete: give them back by failing.
  if (Number(taken.numDeletedRows) !== rows.length) {
    throw new Error(`The relay changed while readings were taken (${taken.numDeletedRows} of ${rows.length})`);
  }
  return rows.map((row) => ({
    neighbourhood: row.neighbourhood,
    meteringPointId: row.metering_point_id,
    unixSeconds: Number(row.unix_seconds),
    importWh: BigInt(row.import_wh),
    exportWh: BigInt(row.export_wh),
    receivedAt: Number(row.received_at),
  }));
}
