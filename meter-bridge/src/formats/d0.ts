import { defineDecoder, fail, own, quote, type ParseResult } from "./decoder.ts";
import { decimalToWh } from "./energy.ts";
import type { MeterBinding } from "./settings.ts";

const STX = 0x02;
const ETX = 0x03;
const MAX_BYTES = 16 * 1024;
const IDENTIFICATION = /^\/([A-Za-z]{3})([0-9A-Za-z])(\\\d)?([^\r\n/!]{1,32})\r?\n/;
/** address(value) with further (value)s on the same line; the address is OBIS, reduced or full. */
const DATA_SET =
  /^([0-9A-Z]{1,3}(?:-[0-9A-Z]{1,3})?:)?([0-9A-Z]{1,3})\.([0-9A-Z]{1,3})(?:\.([0-9A-Z]{1,3}))?(?:[*&](\d{1,3}))?$/;
const ID_CODES = ["0.0.0", "96.1.0", "96.1.255", "C.1.0"];

/**
 * An IEC 62056-21 ("D0") readout as an optical head receives it: "/XXXZ<identification>", then the
 * data sets `address(value*unit)` up to "!". In protocol mode A–C the data block sits between STX
 * and ETX and is followed by its block check character (XOR of everything after STX up to and
 * including ETX), which is verified; push-mode meters (EasyMeter, eBZ, Hager) send no STX and no
 * BCC. Import is 1.8.0 (else 1.8.1 + 1.8.2), export 2.8.0 (likewise); the meter is found by its
 * identification (0.0.0, 96.1.0, 96.1.255 or C.1.0). D0 carries no reliable time: the reading is
 * timed by its arrival.
 */
export const decodeD0 = defineDecoder("D0 readout", ({ payload, receivedAt, settings }) => {
  if (payload.length === 0) return fail("payload is empty");
  if (payload.length > MAX_BYTES) return fail(`payload is ${payload.length} bytes, more than a readout's ${MAX_BYTES}`);
  if (payload[0] !== 0x2f)
    return fail(`does not start with "/" (starts with byte 0x${payload[0].toString(16).padStart(2, "0")})`);
  const text = String.fromCharCode(...payload);
  const header = IDENTIFICATION.exec(text);
  if (!header) {
    if (!text.includes("\n")) return fail(`truncated: the identification line has no end`);
    return fail(`the identification line ${quote(text.split(/\r?\n/)[0])} is not "/XXXZ<identification>"`);
  }
  const block = dataBlock(payload, header[0].length);
  if (!block.ok) return block;
  const sets = parseDataSets(block.text);
  if (!sets.ok) return sets;
  return readRegisters(sets.values, settings.d0?.meters, receivedAt.getTime());
});

type Block = { ok: true; text: string } | { ok: false; reason: string };

/** The data between the identification line and "!", its BCC checked when it has one. */
function dataBlock(payload: Uint8Array, start: number): Block {
  let from = start;
  while (payload[from] === 0x0d || payload[from] === 0x0a) from++;
  if (payload[from] === STX) {
    const etx = payload.indexOf(ETX, from + 1);
    if (etx < 0) return fail(`truncated: no ETX after STX (${payload.length} bytes)`);
    if (etx + 1 >= payload.length) return fail("truncated: the block check character after ETX is missing");
    let bcc = 0;
    for (let i = from + 1; i <= etx; i++) bcc ^= payload[i];
    const sent = payload[etx + 1];
    if (sent !== bcc) return fail(`BCC 0x${byte(sent)} does not match computed 0x${byte(bcc)}`);
    const trailing = payload.length - etx - 2;
    if (trailing > 0) return fail(`${trailing} bytes follow the block check character`);
    const inner = String.fromCharCode(...payload.subarray(from + 1, etx));
    const end = /!\r?\n?$/.exec(inner);
    if (!end) return fail('the data block does not end with "!" before ETX');
    return { ok: true, text: inner.slice(0, end.index) };
  }
  const text = String.fromCharCode(...payload.subarray(from));
  const end = /(^|\n)!/.exec(text);
  if (!end) return fail(`truncated: no end "!" in ${payload.length} bytes`);
  const rest = text.slice(end.index + end[0].length);
  if (!/^\s*$/.test(rest)) return fail(`${rest.length} unexpected characters after the end "!": ${quote(rest)}`);
  return { ok: true, text: text.slice(0, end.index + end[1].length) };
}

type DataSets = { ok: true; values: Map<string, string[]> } | { ok: false; reason: string };

/** "C.D.E" (group A 1 or absent, F absent or 255) → its values; other data sets are skipped. */
function parseDataSets(text: string): DataSets {
  const values = new Map<string, string[]>();
  const pattern = /([^()\r\n]*)((?:\([^()\r\n]*\))+)[ \t]*(\r?\n)?/y;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match || match[0].length === 0) {
      return fail(
        `data set at character ${position} is not address(value): ${quote(text.slice(position, position + 30))}`,
      );
    }
    position = pattern.lastIndex;
    const address = match[1].trim();
    if (address === "") continue;
    const obis = DATA_SET.exec(address);
    if (!obis) continue; // a manufacturer-specific address this parser does not need
    const [, group, c, d, e, f] = obis;
    if (group !== undefined && !/^1(-\d+)?:$|^0(-\d+)?:$/.test(group)) continue; // not electricity
    if (f !== undefined && f !== "255") continue; // a stored value of an earlier billing period
    const code = e === undefined ? `${c}.${d}` : `${c}.${d}.${e}`;
    if (values.has(code)) return fail(`${address} appears twice`);
    values.set(
      code,
      [...match[2].matchAll(/\(([^()]*)\)/g)].map((v) => v[1]),
    );
  }
  return { ok: true, values };
}

function readRegisters(
  values: Map<string, string[]>,
  meters: Record<string, MeterBinding> | undefined,
  unixMs: number,
): ParseResult {
  if (!meters) return fail("no D0 settings are configured");
  const ids = ID_CODES.flatMap((code) => (values.has(code) ? [values.get(code)?.[0] ?? ""] : []));
  if (ids.length === 0) return fail("the readout has no meter identification (0.0.0, 96.1.0, 96.1.255 or C.1.0)");
  const binding = ids.map((id) => own(meters, id)).find((found) => found !== undefined);
  if (!binding) return fail(`unknown meter: ${ids.map((id) => quote(id)).join(", ")} not in the D0 settings`);
  const importWh = total(values, 1);
  if (!importWh.ok) return importWh;
  let exportWh = 0n;
  if (!binding.importOnly || ["2.8.0", "2.8.1"].some((code) => values.has(code))) {
    const exported = total(values, 2);
    if (!exported.ok) return exported;
    exportWh = exported.wh;
  }
  return {
    ok: true,
    readings: [{ meteringPointId: binding.meteringPointId, unixMs, importWh: importWh.wh, exportWh }],
  };
}

type Total = { ok: true; wh: bigint } | { ok: false; reason: string };

function total(values: Map<string, string[]>, c: 1 | 2): Total {
  const single = `${c}.8.0`;
  if (values.has(single)) return register(values, single);
  const tariffs = [`${c}.8.1`, `${c}.8.2`].filter((code) => values.has(code));
  if (tariffs.length === 0)
    return fail(`${c === 1 ? "import" : "export"} register ${single} is missing (and so are ${c}.8.1 and ${c}.8.2)`);
  let sum = 0n;
  for (const code of tariffs) {
    const value = register(values, code);
    if (!value.ok) return value;
    sum += value.wh;
  }
  return { ok: true, wh: sum };
}

function register(values: Map<string, string[]>, code: string): Total {
  const raw = values.get(code)?.[0] ?? "";
  const match = /^([^*]*)\*(.*)$/.exec(raw);
  if (!match) return fail(`${code} (${raw}) has no unit`);
  const wh = decimalToWh(match[1].trim(), match[2].trim());
  return wh.ok ? wh : fail(`${code} (${raw}) ${wh.problem}`);
}

function byte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, "0");
}
