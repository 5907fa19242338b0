import type { Reading } from "@nachbarstrom/core";
import type { DirectoryIndex, DirectoryNeighbourhood } from "./directory.ts";
import { lookupMeter } from "./directory.ts";
import type { DecodedReading } from "./formats/decoder.ts";
import { BridgeConfigurationError } from "./errors.ts";
import { DECODERS, decodeMessage, isFormatName, type FormatName } from "./formats/index.ts";
import type { FormatSettings } from "./formats/settings.ts";

export type DecodeReadingInput = {
  /** A name from formats/index.ts DECODERS, e.g. "dsmr"; an unknown name is a rejection. */
  format: FormatName | string;
  topic: string;
  /** Bytes as MQTT delivers them, or text (encoded as UTF-8). */
  payload: Uint8Array | string;
  receivedAt: Date;
  settings: FormatSettings;
  directory: DirectoryIndex;
};

export type DecodeReadingResult = { ok: true; readings: Reading[] } | { ok: false; reason: string };

/**
 * Decodes one message in its format and turns every decoded reading into the core `Reading`. The
 * neighbourhood comes from the topic where the message names it (plain JSON) and otherwise from the
 * meter directory, which must hold the metering point in exactly one neighbourhood. Never throws.
 */
export async function decodeReading(input: DecodeReadingInput): Promise<DecodeReadingResult> {
  const payload = typeof input.payload === "string" ? new TextEncoder().encode(input.payload) : input.payload;
  const decoded = await decodeMessage(input.format, {
    topic: input.topic,
    payload,
    receivedAt: input.receivedAt,
    settings: input.settings,
  });
  if (!decoded.ok) return decoded;
  const readings: Reading[] = [];
  for (const one of decoded.readings) {
    const placed = placeReading(input.directory, one);
    if (!placed.ok) return placed;
    readings.push(placed.reading);
  }
  return { ok: true, readings };
}

type Placed = { ok: true; reading: Reading } | { ok: false; reason: string };

function placeReading(directory: DirectoryIndex, decoded: DecodedReading): Placed {
  const { meteringPointId } = decoded;
  let neighbourhood: string;
  if (decoded.neighbourhood !== undefined) {
    const found = lookupMeter(directory, decoded.neighbourhood, meteringPointId);
    if (!found.ok) return found;
    neighbourhood = decoded.neighbourhood;
  } else {
    const found = neighbourhoodsOf(directory, meteringPointId);
    if (found.length === 0) {
      return {
        ok: false,
        reason: `unknown metering point "${meteringPointId}": it is not registered in any neighbourhood of the meter directory`,
      };
    }
    if (found.length > 1) {
      return {
        ok: false,
        reason:
          `metering point "${meteringPointId}" is registered in several neighbourhoods ` +
          `(${found.map((hood) => `"${hood.slug}"`).join(", ")}); the message does not say which`,
      };
    }
    neighbourhood = found[0].slug;
  }
  const unixMs = Date.parse(decoded.timestamp);
  return {
    ok: true,
    reading: {
      neighbourhood,
      meteringPointId,
      importWh: decoded.importWh,
      exportWh: decoded.exportWh,
      unixSeconds: Math.floor(unixMs / 1000),
    },
  };
}

/** The neighbourhoods whose meters include the metering point (normally one). */
export function neighbourhoodsOf(directory: DirectoryIndex, meteringPointId: string): DirectoryNeighbourhood[] {
  return [...directory.values()].filter((hood) => hood.meters.has(meteringPointId));
}

/**
 * The reading node's format settings: the format name (empty: plain JSON) and its JSON settings text
 * (empty: none). A wrong name or text is a configuration error that names it.
 */
export function formatConfig(
  format: string | undefined,
  settingsText: string | undefined,
): { format: FormatName; settings: FormatSettings } {
  const name = format?.trim() || "plain-json";
  if (!isFormatName(name)) {
    throw new BridgeConfigurationError(`Unknown format "${name}"`, {
      details: `known formats: ${Object.keys(DECODERS).join(", ")}`,
    });
  }
  const text = settingsText?.trim() || "{}";
  let settings: unknown;
  try {
    settings = JSON.parse(text);
  } catch (error) {
    throw new BridgeConfigurationError("The format settings are not valid JSON", {
      details: (error as Error).message,
    });
  }
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    throw new BridgeConfigurationError("The format settings are not a JSON object", { details: text.slice(0, 80) });
  }
  return { format: name, settings: settings as FormatSettings };
}
