import type { Reading } from "@nachbarstrom/core";

/** What the registers of a new reading mean next to the meter's readings before and after it in time. */
export type SequenceVerdict = { kind: "fits" } | { kind: "duplicate" } | { kind: "rejected"; reason: string };

export type CheckSequenceParameters = {
  reading: Reading;
  /** The meter's known readings, ascending by time. */
  known: readonly Reading[];
  /** Largest power a metering point can plausibly draw or feed in; undefined: no plausibility check. */
  maxPowerW?: bigint;
};

/**
 * Cumulative registers never run backwards. A reading at a time already known is a duplicate when
 * its registers are equal (QoS 1 delivers at least once) and a conflict when they differ.
 */
export function checkSequence({ reading, known, maxPowerW }: CheckSequenceParameters): SequenceVerdict {
  const t = reading.unixSeconds;
  const same = known.find((r) => r.unixSeconds === t);
  if (same) {
    if (same.importWh === reading.importWh && same.exportWh === reading.exportWh) return { kind: "duplicate" };
    return {
      kind: "rejected",
      reason:
        `conflicts with the reading already received for ${iso(t)} ` +
        `(importWh ${same.importWh}, exportWh ${same.exportWh})`,
    };
  }
  const before = known.findLast((r) => r.unixSeconds < t);
  const after = known.find((r) => r.unixSeconds > t);
  for (const register of ["importWh", "exportWh"] as const) {
    if (before && reading[register] < before[register]) {
      return {
        kind: "rejected",
        reason:
          `${register} decreased: ${reading[register]} Wh at ${iso(t)} is below ` +
          `${before[register]} Wh at ${iso(before.unixSeconds)}`,
      };
    }
    if (after && reading[register] > after[register]) {
      return {
        kind: "rejected",
        reason:
          `${register} out of order: ${reading[register]} Wh at ${iso(t)} is above ` +
          `${after[register]} Wh of the later reading at ${iso(after.unixSeconds)}`,
      };
    }
    if (maxPowerW !== undefined && before) {
      const seconds = BigInt(t - before.unixSeconds);
      const watts = ((reading[register] - before[register]) * 3600n) / seconds;
      if (watts > maxPowerW) {
        return {
          kind: "rejected",
          reason:
            `${register} implausible: rose by ${reading[register] - before[register]} Wh in ${seconds} s ` +
            `(${watts} W, more than the ${maxPowerW} W a metering point can carry)`,
        };
      }
    }
  }
  return { kind: "fits" };
}

/** The wire format of a reading (see schema/reading.schema.json), e.g. for a rejection message. */
export function toReadingPayload(reading: Reading): string {
  return JSON.stringify({
    importWh: Number(reading.importWh),
    exportWh: Number(reading.exportWh),
    timestamp: iso(reading.unixSeconds),
  });
}

export function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}
