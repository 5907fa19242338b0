import { defineDecoder, fail, own, quote, type ParseResult, type RawReading } from "./decoder.ts";
import { jsonToWh } from "./energy.ts";
import { parseJsonObject } from "./json.ts";
import type { TasmotaFieldMapping, TasmotaMeter } from "./settings.ts";
import { TASMOTA_PRESETS } from "./tasmota-presets.ts";
import { parseIsoTime } from "./time.ts";

const TOPIC = /^tele\/([^/]+)\/SENSOR$/;
export const TASMOTA_DEFAULT_TIME_ZONE = "Europe/Berlin";

/**
 * Tasmota's SML script telemetry on `tele/<device>/SENSOR`, e.g.
 * `{"Time":"2026-06-21T10:15:00","MT175":{"E_in":1234.5678,"E_out":23.4,"P":512}}`. "Time" is the
 * device's local time (settings.tasmota.timeZone, default Europe/Berlin) unless it carries an offset
 * (SetOption52). One message may hold several meters (`>M 2`): one reading each.
 */
export const decodeTasmota = defineDecoder("Tasmota SENSOR", ({ topic, payload, receivedAt, settings }) => {
  const match = TOPIC.exec(topic);
  if (!match) return fail(`topic ${quote(topic)} is not tele/<device>/SENSOR`);
  const device = match[1];
  const tasmota = settings.tasmota;
  if (!tasmota) return fail("no Tasmota settings are configured");
  const configured = own(tasmota.devices, device);
  if (configured === undefined) return fail(`unknown device ${quote(device)}: it is not in the Tasmota settings`);
  const meters = Array.isArray(configured) ? configured : [configured];

  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const message = json.value;
  const time = message.Time;
  if (typeof time !== "string") return fail(`"Time" is missing or not a string (got ${quote(time ?? null)})`);
  const timeZone = tasmota.timeZone ?? TASMOTA_DEFAULT_TIME_ZONE;
  const parsedTime = parseIsoTime(time, { timeZone, near: receivedAt.getTime() });
  if (!parsedTime.ok) return fail(`"Time" ${parsedTime.problem}`);

  const readings: RawReading[] = [];
  for (const meter of meters) {
    const reading = readMeter(message, meter, parsedTime.unixMs);
    if (!reading.ok) return reading;
    readings.push(...reading.readings);
  }
  return { ok: true, readings };
});

function readMeter(message: Record<string, unknown>, meter: TasmotaMeter, unixMs: number): ParseResult {
  if (!meter || typeof meter.meteringPointId !== "string") {
    return fail("a configured meter has no meteringPointId");
  }
  const mapping = resolveMapping(meter);
  if (!mapping.ok) return mapping;
  const { section, importField, exportField, unit } = mapping.value;
  const values = Object.hasOwn(message, section) ? message[section] : undefined;
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    const found = Object.keys(message).join(", ") || "none";
    return fail(`no object ${quote(section)} for metering point "${meter.meteringPointId}" (keys: ${found})`);
  }
  const fields = values as Record<string, unknown>;
  const field = (name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
  const importWh = jsonToWh(field(importField), unit);
  if (!importWh.ok) return fail(`${section}.${importField} (import, ${unit}) ${importWh.problem}`);
  let exportWh = 0n;
  if (!meter.importOnly) {
    if (exportField === undefined) return fail(`metering point "${meter.meteringPointId}" has no exportField set`);
    const parsed = jsonToWh(field(exportField), unit);
    if (!parsed.ok) return fail(`${section}.${exportField} (export, ${unit}) ${parsed.problem}`);
    exportWh = parsed.wh;
  }
  return {
    ok: true,
    readings: [{ meteringPointId: meter.meteringPointId, unixMs, importWh: importWh.wh, exportWh }],
  };
}

type MappingResult = { ok: true; value: TasmotaFieldMapping } | { ok: false; reason: string };

function resolveMapping(meter: TasmotaMeter): MappingResult {
  let base: Partial<TasmotaFieldMapping> = {};
  if (meter.preset !== undefined) {
    const preset = own<TasmotaFieldMapping>(TASMOTA_PRESETS, meter.preset);
    if (!preset) {
      return fail(`unknown preset ${quote(meter.preset)} (known: ${Object.keys(TASMOTA_PRESETS).join(", ")})`);
    }
    base = preset;
  }
  const section = meter.section ?? base.section;
  const importField = meter.importField ?? base.importField;
  const exportField = meter.exportField ?? base.exportField;
  const unit = meter.unit ?? base.unit;
  if (section === undefined || importField === undefined || unit === undefined) {
    return fail(
      `metering point "${meter.meteringPointId}" has no field mapping: set a preset, or section, importField and unit`,
    );
  }
  return { ok: true, value: { section, importField, exportField, unit } };
}
