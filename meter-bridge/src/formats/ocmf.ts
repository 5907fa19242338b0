import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { defineDecoder, fail, own, quote, type ParseResult, type RawReading } from "./decoder.ts";
import { jsonToWh } from "./energy.ts";
import type { OcmfMeter } from "./settings.ts";
import { parseIsoTime } from "./time.ts";

const OBIS =
  /^([0-9A-Fa-f]{1,2})-([0-9A-Za-z]{1,2}):([0-9A-Fa-f]{1,2})\.([0-9A-Fa-f]{1,2})\.([0-9A-Fa-f]{1,2})(?:\*([0-9A-Fa-f]{1,2}))?$/;
const ALGORITHM = "ECDSA-secp256r1-SHA256";

/**
 * The Open Charge Metering Format (SAFE e.V., OCMF-en.md): `OCMF|{payload}|{signature}`, the
 * payload section's bytes signed with ECDSA secp256r1 over SHA-256 (DER, hex or base64). The meter
 * is found by its serial "MS" (settings.ocmf.meters, with its public key); every reading "RD" of the
 * import register (OBIS 1-b:1.8.0) becomes a reading at its "TM", with the 2.8.0 reading of the same
 * time as export. A reading with a meter status other than "G", an error flag, or an unsynchronised
 * clock ("U") is rejected. Fields left out repeat the previous reading's, as the format allows.
 */
export const decodeOcmf = defineDecoder("OCMF", ({ payload, settings }) => {
  const ocmf = settings.ocmf;
  if (!ocmf) return fail("no OCMF settings are configured");
  const text = new TextDecoder().decode(payload);
  if ("OCMF|".startsWith(text)) return fail(`truncated: ${payload.length} bytes`);
  if (!text.startsWith("OCMF|")) return fail(`does not start with "OCMF|" (starts with ${quote(text.slice(0, 8))})`);
  const split = text.lastIndexOf("|");
  if (split <= 4) return fail("truncated: the signature section is missing");
  const payloadSection = text.slice(5, split);
  const signatureSection = text.slice(split + 1);
  const body = parseSection(payloadSection, "payload");
  if (!body.ok) return body;
  const signature = parseSection(signatureSection, "signature");
  if (!signature.ok) return signature;

  const serial = body.value.MS;
  if (typeof serial !== "string") return fail(`the meter serial "MS" is missing`);
  const meter = own(ocmf.meters, serial);
  if (!meter) return fail(`unknown meter: serial ${quote(serial)} is not in the OCMF settings`);
  const verified = checkSignature(Buffer.from(payloadSection, "utf8"), signature.value, meter);
  if (verified) return fail(verified);
  return readings(body.value.RD, meter);
});

type Section = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

function parseSection(text: string, name: string): Section {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`the ${name} section is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return fail(`the ${name} section is not a JSON object`);
  return { ok: true, value: value as Record<string, unknown> };
}

/** undefined when the signature is the meter's; otherwise the problem. */
function checkSignature(data: Buffer, signature: Record<string, unknown>, meter: OcmfMeter): string | undefined {
  const algorithm = signature.SA ?? ALGORITHM;
  if (algorithm !== ALGORITHM) return `signature algorithm ${quote(algorithm)} is not supported (only ${ALGORITHM})`;
  const mime = signature.SM ?? "application/x-der";
  if (mime !== "application/x-der") return `signature mime type ${quote(mime)} is not application/x-der`;
  const encoding = signature.SE ?? "hex";
  const sd = signature.SD;
  if (typeof sd !== "string") return `signature data "SD" is missing`;
  let bytes: Buffer;
  if (encoding === "hex" && /^([0-9A-Fa-f]{2})+$/.test(sd)) bytes = Buffer.from(sd, "hex");
  else if (encoding === "base64" && /^[A-Za-z0-9+/]+={0,2}$/.test(sd)) bytes = Buffer.from(sd, "base64");
  else return `signature data "SD" is not ${quote(encoding)} encoded`;
  const key = publicKey(meter.publicKey);
  if (!key) return `the public key configured for this meter is not an EC P-256 key`;
  let valid: boolean;
  try {
    valid = verify("sha256", data, { key, dsaEncoding: "der" }, bytes);
  } catch {
    return `signature data "SD" is not a DER-encoded ECDSA signature`;
  }
  return valid ? undefined : "signature does not verify with the meter's registered public key";
}

const keys = new Map<string, KeyObject | null>();

function publicKey(text: string): KeyObject | null {
  if (!keys.has(text)) {
    let key: KeyObject | null = null;
    try {
      key = text.includes("-----BEGIN")
        ? createPublicKey(text)
        : createPublicKey({ key: Buffer.from(text, "hex"), format: "der", type: "spki" });
      if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") key = null;
    } catch {
      key = null;
    }
    keys.set(text, key);
  }
  return keys.get(text) ?? null;
}

function readings(rd: unknown, meter: OcmfMeter): ParseResult {
  if (!Array.isArray(rd) || rd.length === 0) return fail(`"RD" holds no readings`);
  const byTime = new Map<number, { import?: bigint; export?: bigint }>();
  let previous: Record<string, unknown> = {};
  for (const [index, entry] of rd.entries()) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      return fail(`RD[${index}] is not an object`);
    const reading = { ...previous, ...(entry as Record<string, unknown>) };
    previous = reading;
    const where = `RD[${index}]`;
    if (reading.ST !== "G") return fail(`${where} has meter status ${quote(reading.ST ?? null)}, not "G" (good)`);
    if (typeof reading.EF === "string" && reading.EF !== "")
      return fail(`${where} has error flags ${quote(reading.EF)}`);
    if (typeof reading.RI !== "string") continue; // an event without a value
    const obis = OBIS.exec(reading.RI);
    if (!obis) return fail(`${where}.RI ${quote(reading.RI)} is not an OBIS code`);
    const [, a, , c, d, e, f] = obis;
    const register = Number.parseInt(c, 16);
    if (Number.parseInt(a, 16) !== 1 || Number.parseInt(d, 16) !== 8 || Number.parseInt(e, 16) !== 0) continue;
    if ((register !== 1 && register !== 2) || (f !== undefined && f.toUpperCase() !== "FF")) continue;
    const time = readTime(reading.TM);
    if (typeof time === "string") return fail(`${where}.TM ${time}`);
    const wh = jsonToWh(reading.RV, typeof reading.RU === "string" ? reading.RU : "");
    if (!wh.ok) return fail(`${where}.RV (${reading.RI}, ${String(reading.RU)}) ${wh.problem}`);
    const slot = byTime.get(time) ?? {};
    const key = register === 1 ? "import" : "export";
    if (slot[key] !== undefined) return fail(`${where} repeats ${reading.RI} at the same time`);
    slot[key] = wh.wh;
    byTime.set(time, slot);
  }
  const result: RawReading[] = [];
  for (const [unixMs, slot] of byTime) {
    if (slot.import === undefined) continue;
    if (slot.export === undefined && !meter.importOnly) {
      return fail(`no export reading (1-b:2.8.0) at the time of the import reading (the meter is not importOnly)`);
    }
    result.push({
      meteringPointId: meter.meteringPointId,
      unixMs,
      importWh: slot.import,
      exportWh: slot.export ?? 0n,
      signed: true,
    });
  }
  if (result.length === 0) return fail(`"RD" holds no import register reading (OBIS 1-b:1.8.0)`);
  return { ok: true, readings: result };
}

/** "2018-07-24T13:22:04,000+0200 S" → unix ms, or the problem. */
function readTime(tm: unknown): number | string {
  if (typeof tm !== "string") return "is missing";
  const match = /^(\S+) ([SIRU])$/.exec(tm);
  if (!match) return `${quote(tm)} is not "<time> <S|I|R|U>"`;
  if (match[2] === "U") return `${quote(tm)}: the meter's clock is not synchronised`;
  const parsed = parseIsoTime(match[1]);
  return parsed.ok ? parsed.unixMs : parsed.problem;
}
