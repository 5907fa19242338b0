/** Helpers for the format tests: fixtures, inputs, settings that know every fixture's meter, a PRNG. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { crc16Arc, crc16X25 } from "./crc.ts";
import type { DecodedReading, DecodeInput, DecodeResult } from "./decoder.ts";
import type { FormatSettings } from "./settings.ts";

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${path}`, import.meta.url)));
}

export function fixtureText(path: string): string {
  return Buffer.from(fixture(path)).toString("latin1");
}

export const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The signer of fixtures/eip712: Hardhat's public test account #1 (its key is in every Hardhat install). */
export const TEST_SIGNER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
export const TEST_SIGNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;

/** Settings that bind the meter of every good fixture to a metering point. */
export const SETTINGS: FormatSettings = {
  tasmota: {
    devices: {
      "keller-mt175": { meteringPointId: "DE-TAS-MT175", preset: "iskra-mt175" },
      "keller-ehz": { meteringPointId: "DE-TAS-EHZ", preset: "emh-ehz" },
      "hausanschluss-q3a": { meteringPointId: "DE-TAS-Q3A", preset: "easymeter-q3a" },
      "dd3-obis": { meteringPointId: "DE-TAS-DD3", preset: "ebz-dd3-obis" },
      "q3b-zwei": [
        { meteringPointId: "DE-TAS-HOUSE", section: "Power", importField: "Power_Sum", unit: "kWh", importOnly: true },
        { meteringPointId: "DE-TAS-PUMP", section: "Pump", importField: "HP_Sum", unit: "kWh", importOnly: true },
      ],
    },
  },
  dsmr: {
    meters: {
      E0045001591742319: { meteringPointId: "BE-AM550" },
      K8EG004046395507: { meteringPointId: "NL-MT382" },
      "3960221976967177082151037881335713": { meteringPointId: "NL-KAIFA" },
      "1SAG3101021605": { meteringPointId: "BE-FLUVIUS" },
    },
  },
  sml: {
    meters: {
      "0901454d48000041f045": { meteringPointId: "DE-SML-EMH", importOnly: true },
      "0a 01 49 53 4b 00 04 7a 55 44": { meteringPointId: "DE-SML-ISK" },
      "064553590104C5FA2EF7": { meteringPointId: "DE-SML-ESY" },
    },
  },
  d0: {
    meters: {
      "1ESY1313002565": { meteringPointId: "DE-D0-Q3DB" },
      "1336001560": { meteringPointId: "DE-D0-Q3DA", importOnly: true },
      "26011234": { meteringPointId: "DE-D0-MT174" },
    },
  },
  lorawan: {
    devices: {
      "0004A30B001C0530": { meteringPointId: "DE-LORA-17" },
      "70b3d57ed005a1b2": {
        meteringPointId: "DE-LORA-PUMP",
        fields: { import: "energy_in_kwh", export: "energy_out_kwh", unit: "kWh" },
      },
    },
  },
  eip712: { signers: { DE0001234520660000000000000000001: TEST_SIGNER } },
  ocmf: {
    meters: {
      "EM1-0004711": { meteringPointId: "DE-OCMF-1", publicKey: fixtureText("ocmf/meter-key.pem") },
    },
  },
};

export function input(payload: Uint8Array, receivedAt: string, topic = "", settings = SETTINGS): DecodeInput {
  return { topic, payload, receivedAt: new Date(receivedAt), settings };
}

export function assertReadings(result: DecodeResult, expected: DecodedReading[]): void {
  assert.ok(result.ok, result.ok ? "" : result.reason);
  assert.deepEqual(result.readings, expected);
}

export function assertRejected(result: DecodeResult, pattern: RegExp): void {
  assert.equal(result.ok, false, `expected a rejection matching ${pattern}, got ${JSON.stringify(result, big)}`);
  assert.match(result.ok ? "" : result.reason, pattern);
}

const big = (_key: string, value: unknown) => (typeof value === "bigint" ? `${value}n` : value);

/** A DSMR telegram (text up to and including "!") with its correct CRC appended. */
export function withDsmrCrc(textUpToBang: string): Uint8Array {
  const crc = crc16Arc(bytes(textUpToBang)).toString(16).toUpperCase().padStart(4, "0");
  return bytes(`${textUpToBang}${crc}\r\n`);
}

/** Replaces the CRC of a DSMR telegram with a correct one (after the text was changed). */
export function redoDsmrCrc(telegram: string): Uint8Array {
  return withDsmrCrc(telegram.slice(0, telegram.indexOf("\r\n!") + 3));
}

/** A D0 mode C readout: identification, STX, data, "!", ETX and the right (or given) BCC. */
export function d0ModeC(identification: string, dataLines: string[], bcc?: number): Uint8Array {
  const block = bytes(`${dataLines.join("\r\n")}\r\n!\r\n\x03`);
  let computed = 0;
  for (const b of block) computed ^= b;
  return new Uint8Array([...bytes(`${identification}\r\n\x02`), ...block, bcc ?? computed]);
}

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- SML: a small encoder, to build files with chosen entries and a valid frame ----

export type SmlEntry = { obis: string; unit?: number; scaler?: number; value: bigint | Uint8Array; signed?: boolean };

const octets = (data: Uint8Array) =>
  data.length + 1 < 16
    ? [data.length + 1, ...data]
    : [0x80 | ((data.length + 2) >> 4), (data.length + 2) & 0x0f, ...data];
const uint = (value: bigint, size: number) => [0x60 | (size + 1), ...be(value, size)];
const int = (value: bigint, size: number) => [0x50 | (size + 1), ...be(BigInt.asUintN(size * 8, value), size)];
const be = (value: bigint, size: number) =>
  Array.from({ length: size }, (_, i) => Number((value >> BigInt(8 * (size - 1 - i))) & 0xffn));
const list = (items: number[][]) => [0x70 | items.length, ...items.flat()];
const ABSENT = [0x01];

function message(tag: number, body: number[], id: number): number[] {
  const content = [
    ...uint(BigInt(id), 4),
    ...uint(0n, 1),
    ...uint(0n, 1),
    ...list([uint(BigInt(tag), 4), body]),
    ...uint(0n, 2), // message CRC: not checked
    0x00,
  ];
  return [0x76, ...content];
}

/** A complete SML file (open, GetList.Res with the entries, close) in a valid transport frame. */
export function smlFile(
  serverId: string,
  entries: SmlEntry[],
  options: { crc?: number; fileId?: Uint8Array } = {},
): Uint8Array {
  const server = Buffer.from(serverId, "hex");
  const valList = entries.map((entry) =>
    list([
      octets(Buffer.from(entry.obis, "hex")),
      ABSENT,
      ABSENT,
      entry.unit === undefined ? ABSENT : uint(BigInt(entry.unit), 1),
      entry.scaler === undefined ? ABSENT : int(BigInt(entry.scaler), 1),
      entry.value instanceof Uint8Array
        ? octets(entry.value)
        : entry.signed
          ? int(entry.value, 8)
          : uint(entry.value, 8),
      ABSENT,
    ]),
  );
  const open = list([
    ABSENT,
    ABSENT,
    octets(options.fileId ?? Buffer.from("00000001", "hex")),
    octets(server),
    ABSENT,
    ABSENT,
  ]);
  const getList = list([ABSENT, octets(server), ABSENT, ABSENT, list(valList), ABSENT, ABSENT]);
  const close = list([ABSENT]);
  const data = [...message(0x0101, open, 1), ...message(0x0701, getList, 2), ...message(0x0201, close, 3)];
  return smlFrame(new Uint8Array(data), options);
}

/** Escapes and frames message data, with its X-25 CRC (low byte first), or the given CRC. */
export function smlFrame(data: Uint8Array, options: { crc?: number } = {}): Uint8Array {
  const out = [0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01];
  const padding = (4 - (data.length % 4)) % 4;
  const padded = [...data, ...new Array(padding).fill(0)];
  for (let i = 0; i < padded.length; i += 4) {
    const chunk = padded.slice(i, i + 4);
    if (chunk.every((b) => b === 0x1b)) out.push(0x1b, 0x1b, 0x1b, 0x1b);
    out.push(...chunk);
  }
  out.push(0x1b, 0x1b, 0x1b, 0x1b, 0x1a, padding);
  const crc = options.crc ?? crc16X25(new Uint8Array(out));
  out.push(crc & 0xff, crc >> 8);
  return new Uint8Array(out);
}

export const OBIS = { import: "0100010800ff", export: "0100020800ff", power: "0100100700ff" } as const;
