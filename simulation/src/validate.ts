/**
 * A small schema kit for the scenario files: each check takes the raw JSON value and its path, and
 * returns the typed value or throws a ScenarioError that names the field and the value. Unknown
 * fields are errors, so a misspelt "pvkwp" does not silently become a household without PV.
 */
import { NachbarstromError } from "@nachbarstrom/core";

/** A scenario field is missing or wrong; `field` is its path (`households[3].pvKwp`), `value` what was found. */
export class ScenarioError extends NachbarstromError {
  override name = "ScenarioError";
  readonly field: string;
  readonly expected: string;
  readonly value: unknown;
  /** The scenario file, when the scenario came from one. */
  readonly file: string | undefined;

  constructor(field: string, expected: string, value: unknown, file?: string) {
    super(`${file === undefined ? "" : `${file}: `}${field}: ${expected} (got ${describe(value)})`);
    this.field = field;
    this.expected = expected;
    this.value = value;
    this.file = file;
  }

  /** The same error, naming the file it came from. */
  inFile(file: string): ScenarioError {
    return new ScenarioError(this.field, this.expected, this.value, file);
  }
}

export type Check<T> = (value: unknown, path: string) => T;
type Shape = Record<string, Check<unknown>>;
type Infer<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

export function numberIn(min: number, max: number, { integer = false } = {}): Check<number> {
  const expected = `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`;
  return (value, path) => {
    const ok = typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
    if (!ok || (integer && !Number.isSafeInteger(value))) throw new ScenarioError(path, expected, value);
    return value;
  };
}

/** A number in (min, max]: above min, at most max. */
export function numberAbove(min: number, max: number): Check<number> {
  const expected = `must be a number above ${min} and at most ${max}`;
  return (value, path) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= min || value > max) {
      throw new ScenarioError(path, expected, value);
    }
    return value;
  };
}

export function text(pattern: RegExp, expected: string): Check<string> {
  return (value, path) => {
    if (typeof value !== "string" || !pattern.test(value)) throw new ScenarioError(path, expected, value);
    return value;
  };
}

/** Marks a field as optional: absent gives undefined. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  const wrapped = (value: unknown, path: string) => (value === undefined ? undefined : check(value, path));
  return Object.assign(wrapped, { optional: true });
}

export function object<S extends Shape>(shape: S): Check<Infer<S>> {
  return (value, path) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ScenarioError(path || "scenario", "must be an object", value);
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in shape) && key !== "$comment") throw new ScenarioError(join(path, key), "unknown field", record[key]);
    }
    const result: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const field = join(path, key);
      if (record[key] === undefined && !("optional" in check)) throw new ScenarioError(field, "required", undefined);
      result[key] = check(record[key], field);
    }
    return result as Infer<S>;
  };
}

export function arrayOf<T>(item: Check<T>, min: number, max: number): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      throw new ScenarioError(path, `must be an array of ${min} to ${max} entries`, value);
    }
    return value.map((entry, index) => item(entry, `${path}[${index}]`));
  };
}

/** Throws when a range's min exceeds its max. */
export function checkRange(range: { min: number; max: number }, field: string): void {
  if (range.min > range.max) throw new ScenarioError(`${field}.min`, `must not exceed max ${range.max}`, range.min);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
