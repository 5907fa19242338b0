import type { Reading } from "@nachbarstrom/core";
import type { AggregatorSnapshot, ReceivedReading } from "./aggregate.ts";
import { checkSequence } from "./registers.ts";
import type { BridgeTables, Executor } from "./store.ts";

export type ReadingKey = Pick<Reading, "neighbourhood" | "meteringPointId" | "unixSeconds">;

export type InsertReadingResult =
  | { status: "inserted" }
  /** The same key with the same registers is stored already (QoS 1 delivers at least once). */
  | { status: "duplicate" }
  /** The same key with other registers is stored already; the stored reading stays. */
  | { status: "conflict"; reason: string };

/**
 * The readings table and the aggregator's state in the bridge database (schema: store-schema.ts), on
 * the database or on a transaction (`db`), so the aggregator runs all of a group in one.
 */
export type ReadingStore = {
  find(key: ReadingKey): Promise<ReceivedReading | undefined>;
  /**
   * Stores an accepted reading; the primary key (neighbourhood, metering point, time) finds repeats,
   * also one that another bridge process stored at the same moment.
   */
  insert(reading: ReceivedReading): Promise<InsertReadingResult>;
  /** Makes a stored reading the meter's register at the end of its last settled interval (or its baseline). */
  setSettled(reading: ReadingKey): Promise<void>;
  /** Records the end of the neighbourhood's last closed interval. */
  setClosedUntil(neighbourhood: string, unixSeconds: number): Promise<void>;
  /** Everything the aggregator needs to carry on: settled registers, open readings, closed intervals. */
  load(): Promise<AggregatorSnapshot>;
};

const COLUMNS = [
  "r.neighbourhood",
  "r.metering_point_id",
  "r.unix_seconds",
  "r.import_wh",
  "r.export_wh",
  "r.received_at",
] as const;

export function createReadingStore(db: Executor): ReadingStore {
  const find = async ({ neighbourhood, meteringPointId, unixSeconds }: ReadingKey) => {
    const row = await db
      .selectFrom("readings as r")
      .select(COLUMNS)
      .where("r.neighbourhood", "=", neighbourhood)
      .where("r.metering_point_id", "=", meteringPointId)
      .where("r.unix_seconds", "=", BigInt(unixSeconds))
      .executeTakeFirst();
    return row ? toReading(row) : undefined;
  };

  return {
    find,
    async insert(reading) {
      const { numInsertedOrUpdatedRows } = await db
        .insertInto("readings")
        .values({
          neighbourhood: reading.neighbourhood,
          metering_point_id: reading.meteringPointId,
          unix_seconds: BigInt(reading.unixSeconds),
          import_wh: reading.importWh,
          export_wh: reading.exportWh,
          received_at: BigInt(reading.receivedAt),
        })
        .onConflict((oc) => oc.columns(["neighbourhood", "metering_point_id", "unix_seconds"]).doNothing())
        .executeTakeFirstOrThrow();
      if (numInsertedOrUpdatedRows === 1n) return { status: "inserted" };
      const stored = await find(reading);
      const verdict = checkSequence({ reading, known: stored ? [stored] : [] });
      if (verdict.kind === "rejected") return { status: "conflict", reason: verdict.reason };
      return { status: "duplicate" };
    },
    async setSettled({ neighbourhood, meteringPointId, unixSeconds }) {
      const settled_seconds = BigInt(unixSeconds);
      await db
        .insertInto("meter_state")
        .values({ neighbourhood, metering_point_id: meteringPointId, settled_seconds })
        .onConflict((oc) => oc.columns(["neighbourhood", "metering_point_id"]).doUpdateSet({ settled_seconds }))
        .execute();
    },
    async setClosedUntil(neighbourhood, unixSeconds) {
      const closed_until = BigInt(unixSeconds);
      await db
        .insertInto("neighbourhood_state")
        .values({ neighbourhood, closed_until })
        .onConflict((oc) => oc.column("neighbourhood").doUpdateSet({ closed_until }))
        .execute();
    },
    async load() {
      const closedRows = await db.selectFrom("neighbourhood_state").select(["neighbourhood", "closed_until"]).execute();
      const closedUntil = new Map(closedRows.map((row) => [row.neighbourhood, Number(row.closed_until)]));
      const settledRows = await db
        .selectFrom("meter_state as m")
        .innerJoin("readings as r", (join) =>
          join
            .onRef("r.neighbourhood", "=", "m.neighbourhood")
            .onRef("r.metering_point_id", "=", "m.metering_point_id")
            .onRef("r.unix_seconds", "=", "m.settled_seconds"),
        )
        .select(COLUMNS)
        .execute();
      const meters = new Map<string, { settled: ReceivedReading; pending: ReceivedReading[] }>();
      for (const row of settledRows) {
        const settled = toReading(row);
        meters.set(meterKey(settled), { settled, pending: [] });
      }
      const openRows = await db
        .selectFrom("meter_state as m")
        .innerJoin("readings as r", (join) =>
          join
            .onRef("r.neighbourhood", "=", "m.neighbourhood")
            .onRef("r.metering_point_id", "=", "m.metering_point_id")
            .onRef("r.unix_seconds", ">", "m.settled_seconds"),
        )
        .select(COLUMNS)
        .orderBy("r.neighbourhood")
        .orderBy("r.metering_point_id")
        .orderBy("r.unix_seconds")
        .execute();
      for (const row of openRows) {
        const reading = toReading(row);
        meters.get(meterKey(reading))?.pending.push(reading);
      }
      return { closedUntil, meters: [...meters.values()] };
    },
  };
}

function meterKey({ neighbourhood, meteringPointId }: ReadingKey): string {
  return `${neighbourhood}\u0000${meteringPointId}`;
}

function toReading(row: BridgeTables["readings"]): ReceivedReading {
  return {
    neighbourhood: row.neighbourhood,
    meteringPointId: row.metering_point_id,
    importWh: row.import_wh,
    exportWh: row.export_wh,
    unixSeconds: Number(row.unix_seconds),
    receivedAt: Number(row.received_at),
  };
}
