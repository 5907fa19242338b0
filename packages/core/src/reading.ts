import { z } from "zod";

/**
 * A meter reading as the bridge accepts it on `nachbarstrom/<neighbourhood>/<meteringPointId>/reading`:
 * the cumulative registers in Wh (OBIS 1.8.0 import, 2.8.0 export) and when they were read.
 * Published as JSON Schema in meter-bridge/schema/reading.schema.json.
 */
export const readingSchema = z.strictObject({
  importWh: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  exportWh: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** ISO 8601 with a time zone, e.g. "2026-11-23T10:15:00Z". */
  timestamp: z.iso.datetime({ offset: true }),
});

export type ReadingPayload = z.infer<typeof readingSchema>;

/** A parsed reading: registers as bigint Wh, time as unix seconds. */
export type Reading = {
  neighbourhood: string;
  meteringPointId: string;
  importWh: bigint;
  exportWh: bigint;
  unixSeconds: number;
};

export type ReadingResult = { ok: true; reading: Reading } | { ok: false; reason: string };

const topicPattern = /^nachbarstrom\/([a-z0-9-]{1,64})\/([A-Za-z0-9._-]{1,64})\/reading$/;

/** Parses one MQTT reading message; never throws: a bad message gives a reason that names the field. */
export function parseReading(topic: string, payload: string | Uint8Array): ReadingResult {
  const match = topicPattern.exec(topic);
  if (!match) {
    return { ok: false, reason: `topic "${topic}" is not nachbarstrom/<neighbourhood>/<meteringPointId>/reading` };
  }
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `payload is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = readingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join(".") : "payload";
    const value = issue.path.length > 0 ? valueAt(json, issue.path) : json;
    return { ok: false, reason: `${field}: ${issue.message} (got ${JSON.stringify(value) ?? "nothing"})` };
  }
  return {
    ok: true,
    reading: {
      neighbourhood: match[1],
      meteringPointId: match[2],
      importWh: BigInt(parsed.data.importWh),
      exportWh: BigInt(parsed.data.exportWh),
      unixSeconds: Math.floor(Date.parse(parsed.data.timestamp) / 1000),
    },
  };
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = json;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
