import type { Reading } from "@nachbarstrom/core";
import type { AggregatorSnapshot, ReceivedReading } from "./aggregate.ts";
import { checkSequence } from "./registers.ts";
import { intColumn, textColumn, type Row, type Store } from "./store.ts";

export type ReadingKey = Pick<Reading, "neighbourhood" | "meteringPointId" | "unixSeconds">;

export type InsertReadingResult =
  | { status: "inserted" }
  /** The same key with the same registers is stored already (QoS 1 delivers at least once). */
  | { status: "duplicate" }
  /** The same key with other registers is stored already; the stored reading stays. */
  | { status: "conflict"; reason: string };

/** The readings table and the aggregator's state in the bridge database (schema: store-schema.ts). */
export type ReadingStore = {
  find(key: ReadingKey): ReceivedReading | undefined;
  /** Stores an accepted reading; the primary key (neighbourhood, metering point, time) finds repeats. */
  insert(reading: ReceivedReading): InsertReadingResult;
  /** Makes a stored reading the meter's register at the end of its last settled interval (or its baseline). */
  setSettled(reading: ReadingKey): void;
  /** Records the end of the neighbourhood's last closed interval. */
  setClosedUntil(neighbourhood: string, unixSeconds: number): void;
  /** Everything the aggregator needs to carry on: settled registers, open readings, closed intervals. */
  load(): AggregatorSnapshot;
};

const COLUMNS = "r.neighbourhood, r.metering_point_id, r.unix_seconds, r.import_wh, r.export_wh, r.received_at";

export function createReadingStore(store: Store): ReadingStore {
  const { db } = store;
  const findStatement = db.prepare(
    `SELECT ${COLUMNS} FROM readings r WHERE neighbourhood = ? AND metering_point_id = ? AND unix_seconds = ?`,
  );
  const insertStatement = db.prepare(
    `INSERT INTO readings (neighbourhood, metering_point_id, unix_seconds, import_wh, export_wh, received_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const settledStatement = db.prepare(
    `INSERT INTO meter_state (neighbourhood, metering_point_id, settled_seconds) VALUES (?, ?, ?)
     ON CONFLICT (neighbourhood, metering_point_id) DO UPDATE SET settled_seconds = excluded.settled_seconds`,
  );
  const closedStatement = db.prepare(
    `INSERT INTO neighbourhood_state (neighbourhood, closed_until) VALUES (?, ?)
     ON CONFLICT (neighbourhood) DO UPDATE SET closed_until = excluded.closed_until`,
  );

  const find = ({ neighbourhood, meteringPointId, unixSeconds }: ReadingKey) => {
    const row = findStatement.get(neighbourhood, meteringPointId, unixSeconds);
    return row ? toReading(row) : undefined;
  };

  return {
    find,
    insert(reading) {
      const { changes } = insertStatement.run(
        reading.neighbourhood,
        reading.meteringPointId,
        reading.unixSeconds,
        reading.importWh,
        reading.exportWh,
        reading.receivedAt,
      );
      if (Number(changes) === 1) return { status: "inserted" };
      const stored = find(reading);
      const verdict = checkSequence({ reading, known: stored ? [stored] : [] });
      if (verdict.kind === "rejected") return { status: "conflict", reason: verdict.reason };
      return { status: "duplicate" };
    },
    setSettled({ neighbourhood, meteringPointId, unixSeconds }) {
      settledStatement.run(neighbourhood, meteringPointId, unixSeconds);
    },
    setClosedUntil(neighbourhood, unixSeconds) {
      closedStatement.run(neighbourhood, unixSeconds);
    },
    load() {
      const closedUntil = new Map<string, number>();
      for (const row of db.prepare("SELECT neighbourhood, closed_until FROM neighbourhood_state").all()) {
        closedUntil.set(textColumn(row, "neighbourhood"), Number(intColumn(row, "closed_until")));
      }
      const settledRows = db
        .prepare(
          `SELECT ${COLUMNS} FROM meter_state m JOIN readings r ON r.neighbourhood = m.neighbourhood
             AND r.metering_point_id = m.metering_point_id AND r.unix_seconds = m.settled_seconds`,
        )
        .all();
      const meters = new Map<string, { settled: ReceivedReading; pending: ReceivedReading[] }>();
      for (const row of settledRows) {
        const settled = toReading(row);
        meters.set(meterKey(settled), { settled, pending: [] });
      }
      const openRows = db
        .prepare(
          `SELECT ${COLUMNS} FROM readings r JOIN meter_state m ON r.neighbourhood = m.neighbourhood
             AND r.metering_point_id = m.metering_point_id AND r.unix_seconds > m.settled_seconds
           ORDER BY r.neighbourhood, r.metering_point_id, r.unix_seconds`,
        )
        .all();
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

function toReading(row: Row): ReceivedReading {
  return {
    neighbourhood: textColumn(row, "neighbourhood"),
    meteringPointId: textColumn(row, "metering_point_id"),
    importWh: intColumn(row, "import_wh"),
    exportWh: intColumn(row, "export_wh"),
    unixSeconds: Number(intColumn(row, "unix_seconds")),
    receivedAt: Number(intColumn(row, "received_at")),
  };
}
