import { parseReading } from "@nachbarstrom/core";
import { defineDecoder, fail } from "./decoder.ts";

/**
 * The project's own format (meter-bridge/schema/reading.schema.json) on
 * `nachbarstrom/<neighbourhood>/<meteringPointId>/reading`: `{"importWh":…,"exportWh":…,"timestamp":…}`.
 * Parsed by @nachbarstrom/core's parseReading; whether the metering point is registered in the
 * neighbourhood is the meter directory's question (reading-gate.ts), not this format's.
 */
export const decodePlainJson = defineDecoder("plain JSON", ({ topic, payload }) => {
  const parsed = parseReading(topic, payload);
  if (!parsed.ok) return fail(parsed.reason);
  const { neighbourhood, meteringPointId, importWh, exportWh, unixSeconds } = parsed.reading;
  return { ok: true, readings: [{ meteringPointId, neighbourhood, importWh, exportWh, unixMs: unixSeconds * 1000 }] };
});
