/**
 * HTTP ingest for meter operators: POST a batch of readings, authenticated with a bearer token per
 * operator. Each valid item becomes the message the MQTT input would have delivered for it (topic
 * nachbarstrom/<neighbourhood>/<meteringPointId>/reading, the plain JSON reading as payload), so it
 * runs into the same reading node. Used by ../nodes/http-ingest.js; free of Node-RED.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseReading } from "@nachbarstrom/core";

export const DEFAULT_PATH = "/nachbarstrom/readings";
export const DEFAULT_MAX_READINGS = 1000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Shorter tokens are refused: a bearer token must not be guessable. */
export const MIN_TOKEN_LENGTH = 16;

/** A token as stored: its SHA-256, so every comparison takes the same time whatever its length. */
export type OperatorToken = { operator: string; digest: Buffer };

/** One message for the reading node, as the MQTT input emits it. */
export type IngestMessage = { topic: string; payload: string; operator: string };

export type ItemError = { index: number; reason: string };

export type BatchResult = { messages: IngestMessage[]; errors: ItemError[] };

export class IngestConfigError extends Error {}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Parses the tokens credential: one `<operator>=<token>` per line (or separated by `;`).
 * Throws IngestConfigError for a malformed entry, a short token or a token given twice.
 */
export function parseTokens(text: string | undefined): OperatorToken[] {
  const tokens: OperatorToken[] = [];
  const seen = new Set<string>();
  const entries = (text ?? "")
    .split(/[\n;]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  entries.forEach((entry, i) => {
    const eq = entry.indexOf("=");
    const operator = eq > 0 ? entry.slice(0, eq).trim() : "";
    const token = eq > 0 ? entry.slice(eq + 1).trim() : "";
    if (!operator || !token) {
      throw new IngestConfigError(`token entry ${i + 1} is not <operator>=<token>`);
    }
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new IngestConfigError(
        `token of "${operator}" must be at least ${MIN_TOKEN_LENGTH} characters without spaces`,
      );
    }
    if (seen.has(token)) throw new IngestConfigError(`token of "${operator}" is given twice`);
    seen.add(token);
    tokens.push({ operator, digest: digest(token) });
  });
  return tokens;
}

/**
 * The operator whose token the Authorization header carries, or undefined. Compares the digest with
 * every stored token in constant time and does not stop at the first match.
 */
export function authenticate(header: string | undefined, tokens: readonly OperatorToken[]): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  if (!match) return undefined;
  const given = digest(match[1]);
  let operator: string | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(given, token.digest) && operator === undefined) operator = token.operator;
  }
  return operator;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Splits a parsed batch into one message per reading. Items are
 * `{ neighbourhood, meteringPointId, importWh, exportWh, timestamp }`; each is checked exactly as the
 * MQTT path checks topic and payload (parseReading), and a bad item gets its index and reason.
 * Throws BatchError when the body as a whole is not a batch.
 */
export function splitBatch(body: unknown, operator: string, maxReadings = DEFAULT_MAX_READINGS): BatchResult {
  if (!Array.isArray(body)) throw new BatchError(400, "body is not a JSON array of readings");
  if (body.length > maxReadings) {
    throw new BatchError(413, `batch holds ${body.length} readings, at most ${maxReadings} are accepted`);
  }
  const messages: IngestMessage[] = [];
  const errors: ItemError[] = [];
  body.forEach((item: unknown, index) => {
    if (!isObject(item)) {
      errors.push({ index, reason: "item is not a JSON object" });
      return;
    }
    const { neighbourhood, meteringPointId, ...reading } = item;
    for (const [field, value] of [
      ["neighbourhood", neighbourhood],
      ["meteringPointId", meteringPointId],
    ] as const) {
      if (typeof value !== "string") {
        errors.push({ index, reason: `${field}: expected a string (got ${JSON.stringify(value) ?? "nothing"})` });
        return;
      }
    }
    const topic = `nachbarstrom/${neighbourhood as string}/${meteringPointId as string}/reading`;
    const payload = JSON.stringify(reading);
    const parsed = parseReading(topic, payload);
    if (!parsed.ok) {
      errors.push({ index, reason: parsed.reason });
      return;
    }
    messages.push({ topic, payload, operator });
  });
  return { messages, errors };
}

/** A request that fails as a whole, with its HTTP status. */
export class BatchError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Reads a request body up to `maxBytes`; throws BatchError 413 beyond, without reading the rest. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new BatchError(413, `body of ${declared} bytes is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > maxBytes) throw new BatchError(413, `body is larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export type IngestOptions = {
  tokens: readonly OperatorToken[];
  maxReadings?: number;
  maxBytes?: number;
  /** Called once per valid reading, in batch order; the response waits for it (e.g. storing the reading in the inbox). */
  emit(message: IngestMessage): void | Promise<void>;
  /** Called once per request with its outcome (for status and logs). */
  onResult?(outcome: IngestOutcome): void;
};

export type IngestOutcome = {
  status: number;
  operator?: string;
  accepted: number;
  rejected: number;
  error?: string;
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

/**
 * The request handler (plain node:http, so it also works as an Express route):
 * 401 without or with a wrong token, 413 for a body or batch too large, 400 for a body that is not a
 * batch or for bad items (the good ones are still emitted), 202 when every reading was accepted.
 */
export function createIngestHandler(options: IngestOptions) {
  const maxReadings = options.maxReadings ?? DEFAULT_MAX_READINGS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const report = (outcome: IngestOutcome) => options.onResult?.(outcome);

  return async function handle(req: IncomingMessage & { body?: unknown; _body?: boolean }, res: ServerResponse) {
    const operator = authenticate(req.headers.authorization, options.tokens);
    if (operator === undefined) {
      const error = "missing or unknown bearer token";
      sendJson(res, 401, { error }, { "WWW-Authenticate": 'Bearer realm="nachbarstrom"' });
      report({ status: 401, accepted: 0, rejected: 0, error });
      return;
    }
    try {
      let body: unknown;
      if (req._body === true) {
        // A body parser of the host app already read it (Node-RED's httpNodeMiddleware may add one).
        body = req.body;
      } else {
        const raw = await readBody(req, maxBytes);
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch (error) {
          throw new BatchError(400, `body is not valid JSON: ${(error as Error).message}`);
        }
      }
      const { messages, errors } = splitBatch(body, operator, maxReadings);
      for (const message of messages) await options.emit(message);
      const status = errors.length === 0 ? 202 : 400;
      sendJson(res, status, { accepted: messages.length, rejected: errors.length, errors });
      report({ status, operator, accepted: messages.length, rejected: errors.length });
    } catch (error) {
      const status = error instanceof BatchError ? error.status : 500;
      const text = error instanceof Error ? error.message : String(error);
      if (status === 413) res.setHeader("Connection", "close");
      sendJson(res, status, { error: text });
      report({ status, operator, accepted: 0, rejected: 0, error: text });
    }
  };
}
