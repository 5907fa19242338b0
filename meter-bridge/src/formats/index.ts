import { decodeD0 } from "./d0.ts";
import type { DecodeInput, DecodeResult, Decoder } from "./decoder.ts";
import { decodeDsmr } from "./dsmr.ts";
import { decodeEip712 } from "./eip712.ts";
import { decodeLorawan } from "./lorawan.ts";
import { decodeOcmf } from "./ocmf.ts";
import { decodePlainJson } from "./plain-json.ts";
import { decodeSml } from "./sml.ts";
import { decodeTasmota } from "./tasmota.ts";

/** Every format the bridge understands, by the name a device's configuration gives it. */
export const DECODERS = {
  "plain-json": decodePlainJson,
  tasmota: decodeTasmota,
  dsmr: decodeDsmr,
  sml: decodeSml,
  d0: decodeD0,
  lorawan: decodeLorawan,
  eip712: decodeEip712,
  ocmf: decodeOcmf,
} as const satisfies Record<string, Decoder>;

export type FormatName = keyof typeof DECODERS;

export function isFormatName(name: unknown): name is FormatName {
  return typeof name === "string" && Object.hasOwn(DECODERS, name);
}

/** Decodes one message in the named format; never throws, never rejects. */
export function decodeMessage(format: FormatName | string, input: DecodeInput): Promise<DecodeResult> {
  if (!isFormatName(format)) {
    return Promise.resolve({
      ok: false,
      reason: `unknown format ${JSON.stringify(format)} (known: ${Object.keys(DECODERS).join(", ")})`,
    });
  }
  return DECODERS[format](input);
}

/**
 * The format a topic implies where the topic alone tells: the project's own topic, Tasmota's
 * telemetry and The Things Stack's uplinks. DSMR, SML, D0 and signed readings come on topics the
 * device configuration names; for them this returns undefined.
 */
export function formatOfTopic(topic: string): FormatName | undefined {
  if (/^nachbarstrom\/[^/]+\/[^/]+\/reading$/.test(topic)) return "plain-json";
  if (/^tele\/[^/]+\/SENSOR$/.test(topic)) return "tasmota";
  if (/^v3\/[^/]+\/devices\/[^/]+\/up$/.test(topic)) return "lorawan";
  return undefined;
}
