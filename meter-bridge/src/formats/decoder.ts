import type { FormatSettings } from "./settings.ts";

/** One meter reading as every format decodes it: cumulative registers in Wh and when they were read. */
export type DecodedReading = {
  meteringPointId: string;
  /** ISO 8601 UTC with whole seconds, e.g. "2026-06-21T08:15:00Z". */
  timestamp: string;
  /** OBIS 1.8.0, energy drawn from the grid, in Wh (sub-Wh digits are cut, never rounded up). */
  importWh: bigint;
  /** OBIS 2.8.0, energy fed into the grid, in Wh. */
  exportWh: bigint;
  /** true when a signature by the metering point's registered key was verified. */
  signed?: boolean;
  /** Set only when the message itself names the neighbourhood (the plain JSON topic). */
  neighbourhood?: string;
};

export type DecodeResult = { ok: true; readings: DecodedReading[] } | { ok: false; reason: string };

export type DecodeInput = {
  topic: string;
  payload: Uint8Array;
  /** When the bridge received the message: readings more than five minutes after it are rejected. */
  receivedAt: Date;
  settings: FormatSettings;
};

/** Every format has this one shape; it never throws and never rejects its promise. */
export type Decoder = (input: DecodeInput) => Promise<DecodeResult>;

/** What a format's parser hands back before the common checks: time as unix milliseconds. */
export type RawReading = Omit<DecodedReading, "timestamp"> & { unixMs: number };

export type ParseResult = { ok: true; readings: RawReading[] } | { ok: false; reason: string };

/** A format's parser: may be sync or async, may even throw; `defineDecoder` makes it safe. */
export type Parser = (input: DecodeInput) => ParseResult | Promise<ParseResult>;

/** Readings above 10^12 Wh (a billion kWh) are no household's register. */
export const MAX_WH = 10n ** 12n;
/** How far a reading's timestamp may lie after the message's arrival (clock skew). */
export const MAX_FUTURE_SECONDS = 300;
/** Earlier timestamps come from a clock that was never set (1970, 2000-01-01 after a power cut). */
export const EARLIEST_MS = Date.UTC(2000, 0, 2);

export const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * Turns a format's parser into a Decoder: any exception becomes a rejection naming the format, every
 * reason is prefixed with the format's label, and every reading passes the common checks (registers
 * 0…10^12 Wh, a timestamp that is a real time and not more than five minutes after arrival).
 */
export function defineDecoder(label: string, parse: Parser): Decoder {
  return async (input) => {
    const prefix = (reason: string) => ({ ok: false as const, reason: `${label}: ${reason}` });
    const invalid = checkInput(input);
    if (invalid) return prefix(invalid);
    let result: ParseResult;
    try {
      result = await parse(input);
    } catch (error) {
      return prefix(`internal error while decoding: ${describe(error)}`);
    }
    if (!result.ok) return prefix(result.reason);
    if (result.readings.length === 0) return prefix("the message holds no reading");
    const readings: DecodedReading[] = [];
    for (const raw of result.readings) {
      const problem = checkReading(raw, input.receivedAt);
      if (problem) return prefix(problem);
      const { unixMs, ...rest } = raw;
      readings.push({ ...rest, timestamp: isoSeconds(unixMs) });
    }
    return { ok: true, readings };
  };
}

function checkInput(input: DecodeInput): string | undefined {
  if (input === null || typeof input !== "object") return "no input";
  if (!(input.payload instanceof Uint8Array)) return "payload is not bytes (a Uint8Array or Buffer)";
  if (!(input.receivedAt instanceof Date) || Number.isNaN(input.receivedAt.getTime())) {
    return "receivedAt is not a valid Date";
  }
  if (typeof input.topic !== "string") return "topic is not a string";
  if (input.settings === null || typeof input.settings !== "object") return "settings are missing";
  return undefined;
}

function checkReading(raw: RawReading, receivedAt: Date): string | undefined {
  const who = `metering point "${raw.meteringPointId}"`;
  for (const register of ["importWh", "exportWh"] as const) {
    const value = raw[register];
    if (typeof value !== "bigint") return `${register} of ${who} is not an integer`;
    if (value < 0n) return `${register} of ${who} is negative (${value} Wh)`;
    if (value > MAX_WH) return `${register} of ${who} is absurd: ${value} Wh is more than 10^12 Wh`;
  }
  if (!Number.isFinite(raw.unixMs)) return `timestamp of ${who} is not a time`;
  if (raw.unixMs < EARLIEST_MS) {
    return `timestamp ${isoSeconds(raw.unixMs)} of ${who} is before 2000-01-02: the meter's clock is not set`;
  }
  const ahead = Math.floor((raw.unixMs - receivedAt.getTime()) / 1000);
  if (ahead > MAX_FUTURE_SECONDS) {
    return (
      `timestamp ${isoSeconds(raw.unixMs)} of ${who} is ${ahead} s after the message was received ` +
      `(${isoSeconds(receivedAt.getTime())}); at most ${MAX_FUTURE_SECONDS} s are allowed`
    );
  }
  return undefined;
}

/** "2026-06-21T08:15:00Z": unix milliseconds cut to whole seconds. */
export function isoSeconds(unixMs: number): string {
  return new Date(Math.floor(unixMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The own property of a settings record, never one inherited from Object.prototype ("constructor"). */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  if (!record || typeof record !== "object") return undefined;
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Quotes an untrusted value for a reason: JSON-escaped and cut to 80 characters. */
export function quote(value: unknown): string {
  const text =
    typeof value === "string"
      ? value
      : typeof value === "bigint"
        ? `${value}`
        : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(cut);
}
