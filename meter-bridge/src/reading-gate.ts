import { parseReading, type Reading, type RejectionReason } from "@nachbarstrom/core";
import { decodeReading } from "./decode-reading.ts";
import { lookupMeter, type DirectoryIndex } from "./directory.ts";
import type { FormatName } from "./formats/index.ts";
import type { FormatSettings } from "./formats/settings.ts";
import { checkSequence, toReadingPayload } from "./registers.ts";
import { rejectionCategory } from "./rejection-codes.ts";

/**
 * What the bridge publishes on `nachbarstrom/<neighbourhood>/rejected`, a dead letter: why (`code` for
 * machines, `reason` for people) and the message as it came.
 */
export type Rejection = { code: RejectionReason; reason: string; topic: string; payload: string };

export type GateResult =
  | { kind: "valid"; reading: Reading }
  | { kind: "duplicate"; reading: Reading }
  | { kind: "rejected"; topic: string; rejection: Rejection };

export type ReadingGate = {
  /** Parses and checks one MQTT message: topic, JSON, fields, directory, register sequence. */
  pass(topic: unknown, payload: unknown): GateResult;
  /**
   * Decodes one message in the gate's format and checks every reading it holds (directory, register
   * sequence): one result per reading, or one rejection for the message. Plain JSON goes through
   * `pass`, exactly as before. Calls for one meter must not overlap (await each before the next),
   * or the register sequence check sees them out of order.
   */
  passMessage(topic: unknown, payload: unknown, receivedAt?: Date): Promise<GateResult[]>;
};

export type CreateReadingGateParameters = {
  directory: DirectoryIndex;
  /** Plausibility bound for the power between two readings of a meter; undefined: no bound. */
  maxPowerW?: bigint;
  /** The format of the messages (formats/index.ts); default "plain-json", the project's own. */
  format?: FormatName;
  /** Per-device settings of the format (formats/settings.ts); plain JSON needs none. */
  settings?: FormatSettings;
};

/**
 * The edge of the bridge: every message either becomes a valid reading or a rejection with a reason
 * that names the field and value. It remembers each meter's latest reading, so a register that runs
 * backwards is rejected here; older readings arriving out of order are left to the aggregator.
 */
export function createReadingGate({
  directory,
  maxPowerW,
  format = "plain-json",
  settings = {},
}: CreateReadingGateParameters): ReadingGate {
  const latest = new Map<string, Reading>();

  /** The register sequence check of one reading against the meter's latest. */
  function checkReading(reading: Reading, reject: (reason: string) => GateResult): GateResult {
    const key = `${reading.neighbourhood}/${reading.meteringPointId}`;
    const last = latest.get(key);
    if (last && reading.unixSeconds < last.unixSeconds) return { kind: "valid", reading };
    const verdict = checkSequence({ reading, known: last ? [last] : [], maxPowerW });
    if (verdict.kind === "duplicate") return { kind: "duplicate", reading };
    if (verdict.kind === "rejected") return reject(verdict.reason);
    latest.set(key, reading);
    return { kind: "valid", reading };
  }

  const gate: ReadingGate = {
    pass(topic, payload) {
      const topicText = typeof topic === "string" ? topic : "";
      const text = payloadText(payload);
      const reject = (reason: string): GateResult => ({
        kind: "rejected",
        topic: rejectedTopic(topicText),
        rejection: { code: rejectionCategory(reason), reason, topic: topicText, payload: text },
      });
      const parsed = parseReading(topicText, text);
      if (!parsed.ok) return reject(parsed.reason);
      const reading = parsed.reading;
      const found = lookupMeter(directory, reading.neighbourhood, reading.meteringPointId);
      if (!found.ok) return reject(found.reason);
      return checkReading(reading, reject);
    },

    async passMessage(topic, payload, receivedAt = new Date()) {
      if (format === "plain-json") return [gate.pass(topic, payload)];
      const topicText = typeof topic === "string" ? topic : "";
      const received = { topic: topicText, payload: payloadForRejection(payload) };
      const rejectIn =
        (neighbourhood: string) =>
        (reason: string): GateResult => ({
          kind: "rejected",
          topic: `nachbarstrom/${neighbourhood}/rejected`,
          rejection: { code: rejectionCategory(reason), reason, ...received },
        });
      const decoded = await decodeReading({
        format,
        topic: topicText,
        payload: payloadBytes(payload),
        receivedAt,
        settings,
        directory,
      });
      if (!decoded.ok) return [rejectIn("unknown")(decoded.reason)];
      return decoded.readings.map((reading) => checkReading(reading, rejectIn(reading.neighbourhood)));
    },
  };
  return gate;
}

/** A rejection found after parsing (e.g. by the aggregator), in the same shape as the gate's. */
export function rejectReading(reading: Reading, reason: string): { topic: string; rejection: Rejection } {
  return {
    topic: `nachbarstrom/${reading.neighbourhood}/rejected`,
    rejection: {
      code: rejectionCategory(reason),
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

/** The payload as the decoders take it: bytes as received, text and parsed JSON as UTF-8. */
function payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return new TextEncoder().encode(payloadText(payload));
}

/** The payload for a rejection: as text, or as hex when it is bytes that are not UTF-8 (SML). */
function payloadForRejection(payload: unknown): string {
  if (!(payload instanceof Uint8Array)) return payloadText(payload);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("hex");
  }
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
