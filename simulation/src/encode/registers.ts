/** What every encoder writes: a meter's cumulative registers at one instant, as the bridge decodes them. */

export type MeterRegisters = {
  /** OBIS 1.8.0, whole Wh. */
  importWh: bigint;
  /** OBIS 2.8.0, whole Wh. */
  exportWh: bigint;
  /** When the meter read them, unix seconds. */
  unixSeconds: number;
};

/** 1234567 Wh → "001234.567" (kWh with three decimals, so the text holds the register to the Wh). */
export function kwhText(wh: bigint, integerDigits: number): string {
  return `${(wh / 1000n).toString().padStart(integerDigits, "0")}.${(wh % 1000n).toString().padStart(3, "0")}`;
}

/** A wall-clock time in Germany and its offset from UTC: what DSMR's S/W flag and Tasmota's clock show. */
export type GermanTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** +60 in winter (CET), +120 in summer (CEST). */
  offsetMinutes: number;
};

const berlin = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Berlin",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

/** The German clock time at an instant; unambiguous because it carries the offset. */
export function germanTime(unixSeconds: number): GermanTime {
  const parts: Record<string, number> = {};
  for (const part of berlin.formatToParts(unixSeconds * 1000)) parts[part.type] = Number(part.value);
  const { year, month, day, hour, minute, second } = parts;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  return { year, month, day, hour, minute, second, offsetMinutes: (asUtc - unixSeconds) / 60 };
}

/** "2026-06-21T10:15:00+02:00" */
export function germanIsoTime(unixSeconds: number): string {
  const t = germanTime(unixSeconds);
  const two = (n: number) => String(n).padStart(2, "0");
  const offset = `+${two(Math.floor(t.offsetMinutes / 60))}:${two(t.offsetMinutes % 60)}`;
  return `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${offset}`;
}

/** "2026-06-21T08:15:00Z" */
export function utcIsoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}

/** One MQTT message as a meter or its gateway sends it. */
export type EncodedMessage = { topic: string; payload: string | Uint8Array };
