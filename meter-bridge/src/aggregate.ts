import { INTERVAL_SECONDS, commitReadings, readingIntervalOf, sortByMeter, type Reading } from "@nachbarstrom/core";
import type { Hex } from "viem";
import type { DirectoryIndex } from "./directory.ts";
import { checkSequence, iso } from "./registers.ts";

/** One meter's energy in one interval, as settle() takes it. */
export type MeterEnergyEntry = { meter: Hex; importWh: bigint; exportWh: bigint };

/** Everything needed to settle one neighbourhood-interval, and to prove it from the raw readings. */
export type IntervalBatch = {
  neighbourhood: string;
  neighbourhoodId: Hex;
  interval: bigint;
  /** commitReadings(readings): the chain stores it so anyone holding the readings can check the batch. */
  commitment: Hex;
  /** Sorted by strictly ascending meter id, as the contract requires. */
  meters: MeterEnergyEntry[];
  /** Per meter: the register the interval starts from, then every reading consumed for it. */
  readings: Reading[];
  /** "complete": every meter reported at or after the interval's end; "grace": the grace period ran out. */
  closedBy: "complete" | "grace";
  /** Metering points of the directory left out of this batch; their energy counts into a later one. */
  missing: string[];
};

export type AddResult =
  | { status: "baseline" | "accepted" | "duplicate"; batches: IntervalBatch[] }
  | { status: "rejected"; reason: string; batches: IntervalBatch[] };

/** An interval that has not closed yet, for status displays. */
export type OpenInterval = {
  neighbourhood: string;
  interval: bigint;
  /** Meters of the directory that reported at or after the interval's end. */
  reported: number;
  expected: number;
  /** Wall-clock ms when the grace period ends; undefined while no reading at or after the end has arrived. */
  closesAt: number | undefined;
};

export type Aggregator = {
  /** Takes one parsed reading; returns what became of it and the batches it closed. */
  add(reading: Reading): AddResult;
  /** Closes the intervals whose grace period has passed; call it every second or so. */
  tick(): IntervalBatch[];
  openIntervals(): OpenInterval[];
};

/** A reading with the wall-clock time (ms) at which the bridge accepted it. */
export type ReceivedReading = Reading & { receivedAt: number };

/** The aggregator's state as the store keeps it (reading-store.ts), to carry on after a restart. */
export type AggregatorSnapshot = {
  /** Per neighbourhood slug: the end of its last closed interval, in unix seconds. */
  closedUntil: ReadonlyMap<string, number>;
  /** Per meter: its register at the end of its last settled interval (or its baseline) and the readings after it. */
  meters: readonly { settled: ReceivedReading; pending: readonly ReceivedReading[] }[];
};

export type CreateAggregatorParameters = {
  directory: DirectoryIndex;
  /** Wall-clock seconds to wait for silent meters after the first reading at or after an interval's end. */
  graceSeconds?: number;
  /** Wall clock in ms; injectable for tests. */
  now?: () => number;
  /** Plausibility bound for the power between two readings; undefined: no bound. */
  maxPowerW?: bigint;
  /** State to start from instead of empty; meters and neighbourhoods no longer in the directory are left out. */
  restore?: AggregatorSnapshot;
};

type Register = ReceivedReading;
type MeterState = {
  meteringPointId: string;
  meterId: Hex;
  /** The register at the end of the meter's last settled interval; at first its baseline reading. */
  settled: Register | undefined;
  /** Readings after `settled`, ascending by time. */
  pending: Register[];
  /** Readings consumed by the last settled interval, to recognise their redelivery. */
  recent: Reading[];
};
type NeighbourhoodState = { slug: string; id: Hex; meters: Map<string, MeterState>; closedUntil: number | undefined };

export const DEFAULT_GRACE_SECONDS = 60;
/** Environment variable with the grace period, for an interval node whose own setting is empty. */
export const GRACE_SECONDS_ENV = "NACHBARSTROM_GRACE_SECONDS";

/**
 * Aggregates cumulative meter readings into one batch per neighbourhood-interval (15 minutes).
 * The closing and gap policy is documented in meter-bridge/README.md.
 */
export function createAggregator({
  directory,
  graceSeconds = DEFAULT_GRACE_SECONDS,
  now = Date.now,
  maxPowerW,
  restore,
}: CreateAggregatorParameters): Aggregator {
  const graceMs = graceSeconds * 1000;
  const hoods = new Map<string, NeighbourhoodState>();
  for (const hood of directory.values()) {
    const meters = new Map<string, MeterState>();
    for (const [meteringPointId, meterId] of hood.meters) {
      meters.set(meteringPointId, { meteringPointId, meterId, settled: undefined, pending: [], recent: [] });
    }
    hoods.set(hood.slug, { slug: hood.slug, id: hood.id, meters, closedUntil: restore?.closedUntil.get(hood.slug) });
  }
  for (const { settled, pending } of restore?.meters ?? []) {
    const meter = hoods.get(settled.neighbourhood)?.meters.get(settled.meteringPointId);
    if (meter) Object.assign(meter, { settled, pending: [...pending] });
  }

  function add(reading: Reading): AddResult {
    const rejected = (reason: string): AddResult => ({ status: "rejected", reason, batches: [] });
    const hood = hoods.get(reading.neighbourhood);
    if (!hood) return rejected(`unknown neighbourhood "${reading.neighbourhood}": it is not in the meter directory`);
    const meter = hood.meters.get(reading.meteringPointId);
    if (!meter) {
      return rejected(
        `unknown metering point "${reading.meteringPointId}": it is not registered in neighbourhood "${hood.slug}"`,
      );
    }
    const t = reading.unixSeconds;
    if (checkSequence({ reading, known: meter.recent }).kind === "duplicate") {
      return { status: "duplicate", batches: [] };
    }
    // A reading at exactly the end of the last closed interval was that interval's end register.
    if (hood.closedUntil !== undefined && readingIntervalOf(t) <= readingIntervalOf(hood.closedUntil)) {
      return rejected(
        `late: ${iso(t)} belongs to interval ${readingIntervalOf(t)}, which has closed ` +
          `(readings are accepted after ${iso(hood.closedUntil)})`,
      );
    }
    const register: Register = { ...reading, receivedAt: now() };
    if (!meter.settled) {
      meter.settled = register;
      return { status: "baseline", batches: closeReady(hood) };
    }
    const known = [meter.settled, ...meter.pending];
    const verdict = checkSequence({ reading, known, maxPowerW });
    if (verdict.kind === "duplicate") return { status: "duplicate", batches: [] };
    if (t < meter.settled.unixSeconds) {
      return rejected(
        `out of order: ${iso(t)} is older than the meter's settled register at ${iso(meter.settled.unixSeconds)}`,
      );
    }
    if (verdict.kind === "rejected") return rejected(verdict.reason);
    const at = meter.pending.findIndex((r) => r.unixSeconds > t);
    meter.pending.splice(at === -1 ? meter.pending.length : at, 0, register);
    return { status: "accepted", batches: closeReady(hood) };
  }

  /** Closes the neighbourhood's open intervals, oldest first, as long as they may close. */
  function closeReady(hood: NeighbourhoodState): IntervalBatch[] {
    const batches: IntervalBatch[] = [];
    for (let open = openInterval(hood); open; open = openInterval(hood)) {
      if (open.reported < open.expected && (open.closesAt === undefined || now() < open.closesAt)) break;
      batches.push(close(hood, open.interval, open.reported < open.expected ? "grace" : "complete"));
    }
    return batches;
  }

  /**
   * The oldest interval holding a reading that is not settled yet. A meter has reported through it once
   * it sent a reading at or after its end. Runs with every reading: no allocation.
   */
  function openInterval(hood: NeighbourhoodState): OpenInterval | undefined {
    let oldest = Infinity;
    for (const meter of hood.meters.values()) {
      const first = meter.pending[0];
      if (first && first.unixSeconds < oldest) oldest = first.unixSeconds;
    }
    if (oldest === Infinity) return undefined;
    const interval = readingIntervalOf(oldest);
    const end = endOf(interval);
    let reported = 0;
    let firstPastEnd = Infinity;
    for (const meter of hood.meters.values()) {
      if (!meter.settled) continue;
      const latest = meter.pending.at(-1) ?? meter.settled;
      if (latest.unixSeconds >= end) reported += 1;
      if (meter.settled.unixSeconds >= end) firstPastEnd = Math.min(firstPastEnd, meter.settled.receivedAt);
      for (const r of meter.pending) {
        if (r.unixSeconds >= end && r.receivedAt < firstPastEnd) firstPastEnd = r.receivedAt;
      }
    }
    const closesAt = firstPastEnd === Infinity ? undefined : firstPastEnd + graceMs;
    return { neighbourhood: hood.slug, interval, reported, expected: hood.meters.size, closesAt };
  }

  function close(hood: NeighbourhoodState, interval: bigint, closedBy: IntervalBatch["closedBy"]): IntervalBatch {
    const end = endOf(interval);
    const meters: MeterEnergyEntry[] = [];
    const readings: Reading[] = [];
    const missing: string[] = [];
    for (const meter of hood.meters.values()) {
      // The readings of the interval, up to and including the register at its end.
      const count = meter.pending.filter((r) => readingIntervalOf(r.unixSeconds) <= interval).length;
      if (count === 0 || !meter.settled) {
        missing.push(meter.meteringPointId);
        continue;
      }
      const start = meter.settled;
      const consumed = meter.pending.splice(0, count);
      const last = consumed[count - 1];
      meters.push({
        meter: meter.meterId,
        importWh: last.importWh - start.importWh,
        exportWh: last.exportWh - start.exportWh,
      });
      readings.push(withoutArrival(start), ...consumed.map(withoutArrival));
      meter.settled = last;
      meter.recent = consumed.map(withoutArrival);
    }
    hood.closedUntil = end;
    return {
      neighbourhood: hood.slug,
      neighbourhoodId: hood.id,
      interval,
      commitment: commitReadings(readings),
      meters: sortByMeter(meters),
      readings,
      closedBy,
      missing,
    };
  }

  return {
    add,
    tick: () => [...hoods.values()].flatMap(closeReady),
    openIntervals: () => [...hoods.values()].flatMap((hood) => openInterval(hood) ?? []),
  };
}

function endOf(interval: bigint): number {
  return Number(interval + 1n) * INTERVAL_SECONDS;
}

function withoutArrival({ neighbourhood, meteringPointId, importWh, exportWh, unixSeconds }: Register): Reading {
  return { neighbourhood, meteringPointId, importWh, exportWh, unixSeconds };
}
