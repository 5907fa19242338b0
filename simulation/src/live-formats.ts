/**
 * Which format each simulated meter speaks on the live feed, its identity in that format (device
 * topic, equipment id, server id, DevEUI, signing key) and the bridge settings that bind those
 * identities to the metering points. Everything is derived from the household's position and
 * metering point id, so the feed and the bridge's settings agree without sharing state.
 */
import { createHash } from "node:crypto";
import { devAccount } from "@nachbarstrom/core";
import type { FormatSettings } from "../../meter-bridge/src/formats/settings.ts";
import type { SimulatedNeighbourhood } from "./day.ts";
import { encodeD0 } from "./encode/d0.ts";
import { encodeDsmr } from "./encode/dsmr.ts";
import { encodeEip712 } from "./encode/eip712.ts";
import { encodeLorawan } from "./encode/lorawan.ts";
import { encodePlainJson } from "./encode/plain-json.ts";
import type { EncodedMessage, MeterRegisters } from "./encode/registers.ts";
import { encodeSml } from "./encode/sml.ts";
import { encodeTasmota, TASMOTA_SCRIPTS } from "./encode/tasmota.ts";
import { SimulationParameterError } from "./errors.ts";

/**
 * The WELL-KNOWN development account a simulated signing meter uses, derived once per key index: a
 * derivation from the mnemonic takes about 10 ms, and the same keys are needed for settings and feed.
 */
const signers = new Map<number, ReturnType<typeof devAccount>>();
function simulatedSigner(keyIndex: number): ReturnType<typeof devAccount> {
  let signer = signers.get(keyIndex);
  if (!signer) {
    signer = devAccount(keyIndex);
    signers.set(keyIndex, signer);
  }
  return signer;
}

/** Formats whose messages carry the meter's own time: right at any speed and for any simulated time. */
export const TIMED_FORMATS = ["plain-json", "tasmota", "dsmr", "lorawan", "eip712"] as const;
/**
 * Formats without a usable clock (SML has a seconds index, D0 nothing): the bridge times them by
 * their arrival, so they are right only when simulated time is wall-clock time.
 */
export const ARRIVAL_TIMED_FORMATS = ["sml", "d0"] as const;

/** Every format the feed can speak. */
export const FEED_FORMATS = [...TIMED_FORMATS, ...ARRIVAL_TIMED_FORMATS] as const;

export type FeedFormat = (typeof FEED_FORMATS)[number];

/** "mixed" (the default), one format for every meter, or a list the meters take in turn. */
export type FeedFormats = "mixed" | FeedFormat | readonly FeedFormat[];

const ALL_FORMATS: readonly FeedFormat[] = ["plain-json", "tasmota", "dsmr", "sml", "lorawan", "d0", "eip712"];

/** Meter keys are the test mnemonic's accounts from this index on (WELL-KNOWN DEVELOPMENT KEYS, as the demo's). */
export const METER_KEY_FIRST_INDEX = 1000;

/**
 * The format of every household, by position: household i takes entry i mod n of the list. "mixed"
 * is every format the bridge decodes except OCMF, in the order above; when simulated time is not
 * wall-clock time (`realTime` false) the arrival-timed SML and D0 are left out of it, and naming
 * them is an error.
 */
export function meterFormats(count: number, formats: FeedFormats, realTime: boolean): FeedFormat[] {
  const list =
    formats === "mixed"
      ? ALL_FORMATS.filter((format) => realTime || !isArrivalTimed(format))
      : typeof formats === "string"
        ? [formats]
        : formats;
  if (list.length === 0) throw new SimulationParameterError("formats", "must name at least one format", formats);
  for (const format of list) {
    if (!ALL_FORMATS.includes(format)) {
      throw new SimulationParameterError("formats", `must be "mixed" or among ${ALL_FORMATS.join(", ")}`, format);
    }
    if (isArrivalTimed(format) && !realTime) {
      throw new SimulationParameterError(
        "formats",
        `${format} carries no clock time and is timed by its arrival: only at real time (speed 1, starting now)`,
        format,
      );
    }
  }
  return Array.from({ length: count }, (_, i) => list[i % list.length]);
}

function isArrivalTimed(format: FeedFormat): boolean {
  return (ARRIVAL_TIMED_FORMATS as readonly string[]).includes(format);
}

/** A meter's identity in every format; the one it speaks is picked by meterFormats. */
export type MeterIdentity = {
  meteringPointId: string;
  /** The device segment of the topics (`tele/<device>/SENSOR`, `meters/<format>/<device>`) and the TTS device id. */
  device: string;
  tasmotaScript: keyof typeof TASMOTA_SCRIPTS;
  /** DSMR 0-0:96.1.1 and D0 0.0.0: the metering point id. */
  meterId: string;
  /** SML server id, 10 bytes: 0a 01 "SIM" 00 and 4 bytes of the metering point id's SHA-256. */
  smlServerId: Uint8Array;
  devEui: string;
  /** Index of the meter's signing key in the development mnemonic. */
  keyIndex: number;
};

export function meterIdentity(meteringPointId: string, index: number): MeterIdentity {
  const hash = createHash("sha256").update(meteringPointId).digest();
  return {
    meteringPointId,
    // TTS device ids: lower case, at most 36 characters.
    device: `m-${meteringPointId.toLowerCase()}`.slice(0, 36),
    tasmotaScript: index % 2 === 0 ? "iskra-mt175" : "ebz-dd3-obis",
    meterId: meteringPointId,
    smlServerId: Uint8Array.from([0x0a, 0x01, 0x53, 0x49, 0x4d, 0x00, ...hash.subarray(0, 4)]),
    devEui: `70B3D57ED0${hash.subarray(4, 7).toString("hex").toUpperCase()}`,
    keyIndex: METER_KEY_FIRST_INDEX + index,
  };
}

export type MeterEncoder = (registers: MeterRegisters) => EncodedMessage | Promise<EncodedMessage>;

/** One encoder per household, in household order, each writing that meter's messages in its format. */
export function meterEncoders(
  neighbourhood: SimulatedNeighbourhood,
  formats: FeedFormats,
  realTime: boolean,
): MeterEncoder[] {
  const assigned = meterFormats(neighbourhood.households.length, formats, realTime);
  return neighbourhood.households.map((household, index): MeterEncoder => {
    const id = meterIdentity(household.meteringPointId, index);
    switch (assigned[index]) {
      case "plain-json":
        return (r) => encodePlainJson({ slug: neighbourhood.slug, meteringPointId: id.meteringPointId }, r);
      case "tasmota":
        return (r) => encodeTasmota({ device: id.device, script: id.tasmotaScript }, r);
      case "dsmr":
        return (r) => encodeDsmr({ device: id.device, equipmentId: id.meterId }, r);
      case "sml":
        return (r) => encodeSml({ device: id.device, serverId: id.smlServerId }, r);
      case "d0":
        return (r) => encodeD0({ device: id.device, meterId: id.meterId }, r);
      case "lorawan":
        return (r) => encodeLorawan({ deviceId: id.device, devEui: id.devEui }, r);
      case "eip712": {
        const signer = simulatedSigner(id.keyIndex);
        return (r) => encodeEip712({ device: id.device, meteringPointId: id.meteringPointId, signer }, r);
      }
    }
  });
}

/**
 * The bridge's format settings for the simulated meters: every household bound in every format
 * (a binding only matters for messages in that format), so they fit any mix and speed.
 */
export function simulatedFormatSettings(
  neighbourhood: SimulatedNeighbourhood,
): Required<Pick<FormatSettings, "tasmota" | "dsmr" | "sml" | "d0" | "lorawan" | "eip712">> {
  const settings = {
    tasmota: { devices: {} as NonNullable<FormatSettings["tasmota"]>["devices"] },
    dsmr: { meters: {} as NonNullable<FormatSettings["dsmr"]>["meters"] },
    sml: { meters: {} as NonNullable<FormatSettings["sml"]>["meters"] },
    d0: { meters: {} as NonNullable<FormatSettings["d0"]>["meters"] },
    lorawan: { devices: {} as NonNullable<FormatSettings["lorawan"]>["devices"] },
    eip712: { signers: {} as NonNullable<FormatSettings["eip712"]>["signers"] },
  };
  neighbourhood.households.forEach((household, index) => {
    const id = meterIdentity(household.meteringPointId, index);
    const binding = { meteringPointId: id.meteringPointId };
    settings.tasmota.devices[id.device] = { ...binding, preset: id.tasmotaScript };
    settings.dsmr.meters[id.meterId] = binding;
    settings.sml.meters[Buffer.from(id.smlServerId).toString("hex")] = binding;
    settings.d0.meters[id.meterId] = binding;
    settings.lorawan.devices[id.devEui] = binding;
    settings.eip712.signers[id.meteringPointId] = simulatedSigner(id.keyIndex).address;
  });
  return settings;
}

/** A Node-RED flow node, as far as this module reads it. */
export type FlowNode = { id: string; type: string; [property: string]: unknown };

/**
 * The flow with the simulated meters added to the format settings of its reading nodes (the
 * shipped flow has one per format, with empty device lists). What a node already lists is kept;
 * a simulated binding replaces one under the same key. Plain JSON needs no settings.
 */
export function withSimulatedMeters(flow: readonly FlowNode[], neighbourhood: SimulatedNeighbourhood): FlowNode[] {
  const simulated: Record<string, Record<string, unknown>> = simulatedFormatSettings(neighbourhood);
  return flow.map((node) => {
    const format = node.format;
    if (node.type !== "nachbarstrom-reading" || typeof format !== "string" || !Object.hasOwn(simulated, format)) {
      return node;
    }
    const text = typeof node.formatSettings === "string" && node.formatSettings.trim() ? node.formatSettings : "{}";
    let current: Record<string, Record<string, unknown>>;
    try {
      current = JSON.parse(text);
    } catch {
      throw new SimulationParameterError(`flow node ${node.id}: formatSettings`, "must be JSON", text.slice(0, 80));
    }
    const section = { ...(current[format] ?? {}) };
    for (const [key, entries] of Object.entries(simulated[format])) {
      section[key] = { ...((section[key] as object | undefined) ?? {}), ...(entries as object) };
    }
    return { ...node, formatSettings: JSON.stringify({ ...current, [format]: section }) };
  });
}
