import { parseReading, type Reading } from "@nachbarstrom/core";
import { lookupMeter, type DirectoryIndex } from "./directory.ts";
import { checkSequence, toReadingPayload } from "./registers.ts";

/** What the bridge publishes on `nachbarstrom/<neighbourhood>/rejected`. */
export type Rejection = { reason: string; topic: string; payload: string };

export type GateResult =
  | { kind: "valid"; reading: Reading }
  | { kind: "duplicate"; reading: Reading }
  | { kind: "rejected"; topic: string; rejection: Rejection };

export type ReadingGate = {
  /** Parses and checks one MQTT message: topic, JSON, fields, directory, register sequence. */
  pass(topic: unknown, payload: unknown): GateResult;
};

export type CreateReadingGateParameters = {
  directory: DirectoryIndex;
  /** Plausibility bound for the power between two readings of a meter; undefined: no bound. */
  maxPowerW?: bigint;
};

/**
 * The edge of the bridge: every message either becomes a valid reading or a rejection with a reason
 * that names the field and value. It remembers each meter's latest reading, so a register that runs
 * backwards is rejected here; older readings arriving out of order are left to the aggregator.
 */
export function createReadingGate({ directory, maxPowerW }: CreateReadingGateParameters): ReadingGate {
  const latest = new Map<string, Reading>();

  return {
    pass(topic, payload) {
      const topicText = typeof topic === "string" ? topic : "";
      const text = payloadText(payload);
      const reject = (reason: string): GateResult => ({
        kind: "rejected",
        topic: rejectedTopic(topicText),
        rejection: { reason, topic: topicText, payload: text },
      });
      const parsed = parseReading(topicText, text);
      if (!parsed.ok) return reject(parsed.reason);
      const reading = parsed.reading;
      const found = lookupMeter(directory, reading.neighbourhood, reading.meteringPointId);
      if (!found.ok) return reject(found.reason);

      const key = `${reading.neighbourhood}/${reading.meteringPointId}`;
      const last = latest.get(key);
      if (last && reading.unixSeconds < last.unixSeconds) return { kind: "valid", reading };
      const verdict = checkSequence({ reading, known: last ? [last] : [], maxPowerW });
      if (verdict.kind === "duplicate") return { kind: "duplicate", reading };
      if (verdict.kind === "rejected") return reject(verdict.reason);
      latest.set(key, reading);
      return { kind: "valid", reading };
    },
  };
}

/** A rejection found after parsing (e.g. by the aggregator), in the same shape as the gate's. */
export function rejectReading(reading: Reading, reason: string): { topic: string; rejection: Rejection } {
  return {
    topic: `nachbarstrom/${reading.neighbourhood}/rejected`,
    rejection: {
      reason,
      topic: `nachbarstrom/${reading.neighbourhood}/${reading.meteringPointId}/reading`,
      payload: toReadingPayload(reading),
    },
  };
}

/** `nachbarstrom/<neighbourhood>/rejected`; "unknown" when the topic names no valid neighbourhood. */
export function rejectedTopic(topic: string): string {
  const segment = topic.split("/")[1];
  const neighbourhood = segment && /^[a-z0-9-]{1,64}$/.test(segment) ? segment : "unknown";
  return `nachbarstrom/${neighbourhood}/rejected`;
}

function payloadText(payload: unknown): string {
  if (typeof payload === "string") return payload;
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  if (payload === undefined) return "";
  if (typeof payload === "object") return JSON.stringify(payload);
  return String(payload);
}

/** Whether a message payload is a parsed Reading, as the reading node sends it. */
export function isReading(value: unknown): value is Reading {
  if (value === null || typeof value !== "object") return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.neighbourhood === "string" &&
    typeof r.meteringPointId === "string" &&
    typeof r.importWh === "bigint" &&
    typeof r.exportWh === "bigint" &&
    Number.isSafeInteger(r.unixSeconds)
  );
}
