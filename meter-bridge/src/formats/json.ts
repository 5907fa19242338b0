import { fail, quote } from "./decoder.ts";

type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** Parses a JSON object from UTF-8 bytes; the reason says what is wrong. */
export function parseJsonObject(payload: Uint8Array): JsonObjectResult {
  if (payload.length === 0) return fail("payload is empty");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    return fail("payload is not UTF-8 text");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`payload is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail(`payload is not a JSON object (got ${quote(value)})`);
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The value at a dotted path ("energy.in_kwh") of parsed JSON, own properties only. */
export function valueAtPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
