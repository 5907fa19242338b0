import { crc16X25, hex16 } from "./crc.ts";
import { defineDecoder, fail, type ParseResult, type RawReading } from "./decoder.ts";
import { scaledToWh, type EnergyResult } from "./energy.ts";
import type { MeterBinding } from "./settings.ts";
import { createTlvReader, SmlSyntaxError, type SmlValue } from "./sml-tlv.ts";

const ESCAPE = 0x1b1b1b1b;
const VERSION_1 = 0x01010101;
const GET_LIST_RESPONSE = 0x0701n;
const WH = 30n; // DLMS unit code for Wh
const MAX_BYTES = 64 * 1024;
const OBIS_IMPORT = "0100010800ff";
const OBIS_EXPORT = "0100020800ff";
const OBIS_SERVER_ID = "0100000009ff";

/**
 * An SML 1.04 file as an optical reading head passes it on, raw or as hex text: transport frame
 * `1b1b1b1b 01010101 … 1b1b1b1b 1a <padding> <CRC-16/X-25>`, then SML messages; the readings are in
 * the GetList.Res message: 1-0:1.8.0*255 and 1-0:2.8.0*255 with unit 30 (Wh) and a power-of-ten
 * scaler. The meter is found by the response's server id (settings.sml.meters). SML carries no
 * usable clock time (only a seconds index), so the reading is timed by its arrival.
 */
export const decodeSml = defineDecoder("SML", ({ payload, receivedAt, settings }) => {
  const bytes = binaryOrHex(payload);
  if (!bytes.ok) return bytes;
  const frame = unframe(bytes.value);
  if (!frame.ok) return frame;
  let messages: SmlMessage[];
  try {
    messages = readMessages(frame.value);
  } catch (error) {
    if (error instanceof SmlSyntaxError) return fail(`malformed message data: ${error.shortMessage}`);
    throw error;
  }
  const meters = settings.sml?.meters;
  if (!meters) return fail("no SML settings are configured");
  const responses = messages.filter((message) => message.tag === GET_LIST_RESPONSE);
  if (responses.length === 0) {
    const tags = messages.map((message) => `0x${message.tag.toString(16).padStart(4, "0")}`).join(", ");
    return fail(`no GetList.Res message (0x0701) in the file (messages: ${tags || "none"})`);
  }
  const readings: RawReading[] = [];
  for (const response of responses) {
    const reading = readGetList(response.body, meters, receivedAt.getTime());
    if (!reading.ok) return reading;
    readings.push(...reading.readings);
  }
  return { ok: true, readings };
});

type Bytes = { ok: true; value: Uint8Array } | { ok: false; reason: string };

/** Raw bytes, or the same as hex text (whitespace allowed), as some reading heads publish them. */
function binaryOrHex(payload: Uint8Array): Bytes {
  if (payload.length === 0) return fail("payload is empty");
  if (payload.length > 2 * MAX_BYTES) return fail(`payload is ${payload.length} bytes, more than an SML file's`);
  const isHexText = payload.every(
    (b) =>
      (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) || [0x09, 0x0a, 0x0d, 0x20].includes(b),
  );
  if (!isHexText || payload[0] === 0x1b) return { ok: true, value: payload };
  const digits = new TextDecoder().decode(payload).replace(/\s+/g, "");
  if (digits.length % 2 !== 0) return fail(`hex payload has an odd number of digits (${digits.length})`);
  return { ok: true, value: Uint8Array.from(Buffer.from(digits, "hex")) };
}

/** Checks the transport frame and its CRC and returns the unescaped message data. */
function unframe(bytes: Uint8Array): Bytes {
  if (bytes.length < 16) return fail(`truncated: ${bytes.length} bytes, an SML file has at least 16`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== ESCAPE || view.getUint32(4) !== VERSION_1) {
    return fail(`does not start with the escape sequence 1b1b1b1b 01010101 (starts with ${hex(bytes.subarray(0, 8))})`);
  }
  const data: Uint8Array[] = [];
  let i = 8;
  for (;;) {
    if (i + 4 > bytes.length || (view.getUint32(i) === ESCAPE && i + 8 > bytes.length)) {
      return fail(`truncated: no end sequence 1b1b1b1b 1a… in ${bytes.length} bytes`);
    }
    if (view.getUint32(i) !== ESCAPE) {
      data.push(bytes.subarray(i, i + 4));
      i += 4;
      continue;
    }
    const next = view.getUint32(i + 4);
    if (next === ESCAPE) {
      data.push(bytes.subarray(i, i + 4)); // an escaped 1b1b1b1b inside the data
      i += 8;
      continue;
    }
    if (next === VERSION_1) return fail(`a new start sequence at byte ${i}: the file before it is cut off`);
    if (bytes[i + 4] !== 0x1a)
      return fail(`unknown escape sequence 1b1b1b1b ${hex(bytes.subarray(i + 4, i + 8))} at byte ${i}`);
    const padding = bytes[i + 5];
    // The standard order is low byte first (all meters we have data of); a few meters swap it.
    const lowFirst = bytes[i + 6] | (bytes[i + 7] << 8);
    const highFirst = (bytes[i + 6] << 8) | bytes[i + 7];
    const computed = crc16X25(bytes.subarray(0, i + 6));
    if (computed !== lowFirst && computed !== highFirst) {
      return fail(`CRC ${hex16(lowFirst)} does not match computed ${hex16(computed)}`);
    }
    if (i + 8 !== bytes.length) return fail(`${bytes.length - i - 8} bytes follow the end sequence`);
    const joined = Buffer.concat(data);
    if (padding > 3 || padding > joined.length) return fail(`the end sequence announces ${padding} fill bytes`);
    const body = joined.subarray(0, joined.length - padding);
    if (joined.subarray(body.length).some((b) => b !== 0))
      return fail("fill bytes before the end sequence are not 0x00");
    return { ok: true, value: body };
  }
}

type SmlMessage = { tag: bigint; body: SmlValue };

function readMessages(data: Uint8Array): SmlMessage[] {
  const reader = createTlvReader(data);
  const messages: SmlMessage[] = [];
  while (!reader.done) {
    const at = reader.offset;
    const message = reader.read();
    if (message.kind !== "list" || message.items.length !== 6 || message.items[5].kind !== "end") {
      throw new SmlSyntaxError("a message is not a list of 6 values ending in 0x00", at);
    }
    const body = message.items[3];
    if (body.kind !== "list" || body.items.length !== 2 || body.items[0].kind !== "unsigned") {
      throw new SmlSyntaxError("a message body is not a list of tag and content", at);
    }
    messages.push({ tag: body.items[0].value, body: body.items[1] });
  }
  return messages;
}

type Entry = { unit: SmlValue; scaler: SmlValue; value: SmlValue };

function readGetList(body: SmlValue, meters: Record<string, MeterBinding>, unixMs: number): ParseResult {
  if (body.kind !== "list" || body.items.length !== 7) return fail("GetList.Res is not a list of 7 values");
  const [, serverIdValue, , , valList] = body.items;
  if (valList.kind !== "list") return fail("GetList.Res has no value list");
  const entries = new Map<string, Entry>();
  for (const item of valList.items) {
    if (item.kind !== "list" || item.items.length !== 7 || item.items[0].kind !== "octets") {
      return fail("a value list entry is not a list of 7 values starting with an OBIS code");
    }
    const obis = hex(item.items[0].bytes);
    if (entries.has(obis)) return fail(`${obisName(obis)} appears twice`);
    entries.set(obis, { unit: item.items[3], scaler: item.items[4], value: item.items[5] });
  }
  const serverIdBytes =
    serverIdValue.kind === "octets" ? serverIdValue.bytes : octetsOf(entries.get(OBIS_SERVER_ID)?.value);
  if (!serverIdBytes) return fail("the response names no server id (nor 1-0:0.0.9*255)");
  const serverId = hex(serverIdBytes);
  const binding = lookup(meters, serverId);
  if (!binding) return fail(`unknown meter: server id ${serverId} is not in the SML settings`);

  const importWh = register(entries, OBIS_IMPORT, "import");
  if (!importWh.ok) return fail(importWh.problem);
  let exportWh = 0n;
  if (!binding.importOnly || entries.has(OBIS_EXPORT)) {
    const exported = register(entries, OBIS_EXPORT, "export");
    if (!exported.ok) return fail(exported.problem);
    exportWh = exported.wh;
  }
  return {
    ok: true,
    readings: [{ meteringPointId: binding.meteringPointId, unixMs, importWh: importWh.wh, exportWh }],
  };
}

function register(entries: Map<string, Entry>, obis: string, what: string): EnergyResult {
  const name = `${obisName(obis)} (${what})`;
  const entry = entries.get(obis);
  if (!entry) return { ok: false, problem: `${name} is missing` };
  if (entry.unit.kind !== "unsigned") return { ok: false, problem: `${name} has no unit` };
  if (entry.unit.value !== WH) return { ok: false, problem: `${name} has unit ${entry.unit.value}, not 30 (Wh)` };
  let scaler = 0;
  if (entry.scaler.kind === "integer") scaler = Number(entry.scaler.value);
  else if (entry.scaler.kind !== "absent") return { ok: false, problem: `${name} has a scaler that is not an integer` };
  const { value } = entry;
  if (value.kind !== "integer" && value.kind !== "unsigned") {
    return {
      ok: false,
      problem: `${name} value is ${value.kind === "octets" ? "an octet string" : value.kind}, not a number`,
    };
  }
  const wh = scaledToWh(value.value, scaler);
  return wh.ok ? wh : { ok: false, problem: `${name} ${wh.problem}` };
}

const lookups = new WeakMap<object, Map<string, MeterBinding>>();

/** Settings keys may be written with any case and with spaces, colons or dashes between bytes. */
function lookup(meters: Record<string, MeterBinding>, serverId: string): MeterBinding | undefined {
  let index = lookups.get(meters);
  if (!index) {
    index = new Map();
    for (const [key, binding] of Object.entries(meters)) index.set(key.toLowerCase().replace(/[\s:-]/g, ""), binding);
    lookups.set(meters, index);
  }
  return index.get(serverId);
}

function octetsOf(value: SmlValue | undefined): Uint8Array | undefined {
  return value?.kind === "octets" ? value.bytes : undefined;
}

/** "0100010800ff" → "1-0:1.8.0*255" */
function obisName(obis: string): string {
  const b = obis.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? [];
  return b.length === 6 ? `${b[0]}-${b[1]}:${b[2]}.${b[3]}.${b[4]}*${b[5]}` : obis;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
