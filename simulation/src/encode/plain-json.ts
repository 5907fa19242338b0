import { readingTopic } from "../day.ts";
import { utcIsoTime, type EncodedMessage, type MeterRegisters } from "./registers.ts";

/** The project's own reading on `nachbarstrom/<neighbourhood>/<meteringPointId>/reading` (meter-bridge/schema). */
export function encodePlainJson(
  meter: { slug: string; meteringPointId: string },
  { importWh, exportWh, unixSeconds }: MeterRegisters,
): EncodedMessage {
  return {
    topic: readingTopic(meter.slug, meter.meteringPointId),
    payload: JSON.stringify({
      importWh: Number(importWh),
      exportWh: Number(exportWh),
      timestamp: utcIsoTime(unixSeconds),
    }),
  };
}
