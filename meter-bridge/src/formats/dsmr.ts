import { crc16Arc, hex16 } from "./crc.ts";
import { defineDecoder, fail, own, quote, type ParseResult } from "./decoder.ts";
import { decimalToWh } from "./energy.ts";
import type { MeterBinding } from "./settings.ts";
import { fixedOffsetToUtc } from "./time.ts";

const HEADER = /^\/[A-Za-z]{3}\d[^\r\n]*\r\n\r\n/;
const LINE = /^(\d+-\d+:\d+\.\d+\.\d+)((?:\([^()]*\))+)$/;
const REGISTER = /^\((\d+(?:\.\d+)?)\*([A-Za-z]+)\)$/;
const TIMESTAMP = /^\((\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([SW])\)$/;
const MAX_BYTES = 16 * 1024;

/**
 * A DSMR 4/5 P1 telegram (Dutch, Belgian and Luxembourg meters): "/XXX5…" header, COSEM lines,
 * "!" and the CRC-16/ARC of everything from "/" to "!" in four hex digits. Import is 1-0:1.8.1 +
 * 1-0:1.8.2 (or 1-0:1.8.0 on meters without tariffs), export 2.8.1 + 2.8.2 (or 2.8.0); the meter is
 * found by its equipment identifier 0-0:96.1.1 and the time is 0-0:1.0.0 (S = CEST, W = CET).
 */
export const decodeDsmr = defineDecoder("DSMR telegram", ({ payload, settings }) => {
  if (payload.length === 0) return fail("payload is empty");
  if (payload.length > MAX_BYTES)
    return fail(`payload is ${payload.length} bytes, more than a telegram's ${MAX_BYTES}`);
  if (payload[0] !== 0x2f) return fail(`does not start with "/" (starts with byte 0x${hexByte(payload[0])})`);
  const end = findEndLine(payload);
  if (end < 0) return fail(`truncated: no end line "!XXXX" after ${payload.length} bytes`);
  const text = latin1(payload);
  const crcText = text.slice(end + 1, end + 5);
  if (!/^[0-9A-Fa-f]{4}$/.test(crcText)) {
    if (/^[0-9A-Fa-f]{0,3}$/.test(crcText) && end + 1 + crcText.length === text.length) {
      return fail(`truncated: the CRC after "!" has only ${crcText.length} of 4 hex digits`);
    }
    return fail(`no CRC after "!" (got ${quote(crcText)}; DSMR 2/3 telegrams without a CRC are not accepted)`);
  }
  const rest = text.slice(end + 5);
  if (!/^\s*$/.test(rest)) return fail(`${rest.length} unexpected characters after the CRC: ${quote(rest)}`);
  const sent = Number.parseInt(crcText, 16);
  const computed = crc16Arc(payload.subarray(0, end + 1));
  if (sent !== computed) return fail(`CRC ${hex16(sent)} does not match computed ${hex16(computed)}`);
  if (!HEADER.test(text)) return fail(`the header line is not "/XXX5<identification>" followed by an empty line`);

  const objects = new Map<string, string>();
  for (const line of text.slice(0, end).split("\r\n").slice(2)) {
    const match = LINE.exec(line);
    if (!match) continue; // CRC-protected lines this parser does not need (M-Bus continuations, texts)
    if (objects.has(match[1])) return fail(`${match[1]} appears twice`);
    objects.set(match[1], match[2]);
  }
  return readTelegram(objects, settings.dsmr?.meters);
});

function readTelegram(objects: Map<string, string>, meters: Record<string, MeterBinding> | undefined): ParseResult {
  if (!meters) return fail("no DSMR settings are configured");
  const equipment = objects.get("0-0:96.1.1");
  if (equipment === undefined) return fail("equipment identifier 0-0:96.1.1 is missing");
  const id = /^\(([^()]*)\)$/.exec(equipment)?.[1] ?? "";
  const decoded = asciiFromHex(id);
  const binding = own(meters, id) ?? (decoded === undefined ? undefined : own(meters, decoded));
  if (!binding) {
    const shown = decoded === undefined ? quote(id) : `${quote(id)} (${quote(decoded)})`;
    return fail(`unknown meter: equipment identifier ${shown} is not in the DSMR settings`);
  }
  const stamp = objects.get("0-0:1.0.0");
  if (stamp === undefined) return fail("timestamp 0-0:1.0.0 is missing");
  const time = TIMESTAMP.exec(stamp);
  if (!time) return fail(`timestamp 0-0:1.0.0 ${quote(stamp)} is not (YYMMDDhhmmssS) or (…W)`);
  const [, yy, mo, dd, hh, mi, ss, season] = time;
  const local = { year: 2000 + +yy, month: +mo, day: +dd, hour: +hh, minute: +mi, second: +ss };
  const placed = fixedOffsetToUtc(local, season === "S" ? 120 : 60);
  if (!placed.ok) return fail(`timestamp 0-0:1.0.0 ${quote(stamp)} ${placed.problem}`);

  const importWh = total(objects, 1);
  if (!importWh.ok) return importWh;
  let exportWh = 0n;
  if (!binding.importOnly || objects.has("1-0:2.8.1") || objects.has("1-0:2.8.0")) {
    const exported = total(objects, 2);
    if (!exported.ok) return exported;
    exportWh = exported.wh;
  }
  return {
    ok: true,
    readings: [{ meteringPointId: binding.meteringPointId, unixMs: placed.unixMs, importWh: importWh.wh, exportWh }],
  };
}

type TotalResult = { ok: true; wh: bigint } | { ok: false; reason: string };

/** Tariff 1 + tariff 2 of register C (1 import, 2 export), or the tariff-less C.8.0. */
function total(objects: Map<string, string>, c: 1 | 2): TotalResult {
  const codes = [`1-0:${c}.8.1`, `1-0:${c}.8.2`];
  const present = codes.filter((code) => objects.has(code));
  if (present.length === 0) {
    const single = `1-0:${c}.8.0`;
    if (!objects.has(single)) return fail(`${codes[0]} and ${codes[1]} are missing (and so is ${single})`);
    return register(objects, single);
  }
  if (present.length === 1) {
    return fail(`${codes.find((code) => !objects.has(code))} is missing (${present[0]} is there)`);
  }
  let sum = 0n;
  for (const code of codes) {
    const value = register(objects, code);
    if (!value.ok) return value;
    sum += value.wh;
  }
  return { ok: true, wh: sum };
}

function register(objects: Map<string, string>, code: string): TotalResult {
  const raw = objects.get(code) ?? "";
  const match = REGISTER.exec(raw);
  if (!match) {
    if (/^\(-/.test(raw)) return fail(`${code} ${quote(raw)} is negative`);
    return fail(`${code} ${quote(raw)} is not (<decimal>*<unit>)`);
  }
  const wh = decimalToWh(match[1], match[2]);
  return wh.ok ? wh : fail(`${code} ${quote(raw)} ${wh.problem}`);
}

/** Index of the "!" that begins a line, or -1. */
function findEndLine(payload: Uint8Array): number {
  for (let i = 1; i < payload.length; i++) {
    if (payload[i] === 0x21 && payload[i - 1] === 0x0a) return i;
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** DSMR 4/5 write the equipment id as hex-encoded ASCII; undefined when it is not that. */
function asciiFromHex(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  let text = "";
  for (let i = 0; i < hex.length; i += 2) {
    const code = Number.parseInt(hex.slice(i, i + 2), 16);
    if (code < 0x20 || code > 0x7e) return undefined;
    text += String.fromCharCode(code);
  }
  return text;
}

function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
