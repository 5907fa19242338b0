/**
 * SQL text with `?` placeholders, or `:name` placeholders and one object of values, run through Kysely
 * on either dialect: the portal's accounts code is written as plain statements (as it was on
 * node:sqlite), and this runs them on the store's current executor (the transaction it is in, if any).
 * PostgreSQL's placeholders are numbered (`$1`); the text must not contain a `?` or `:name` other than
 * the placeholders (none inside string literals). `::type` casts are left alone.
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { Dialect } from "./open.ts";

export type Row = Record<string, unknown>;

export type Statement = {
  /** The first row, or undefined. */
  get(...parameters: unknown[]): Promise<Row | undefined>;
  all(...parameters: unknown[]): Promise<Row[]>;
  /** Rows inserted, updated or deleted. */
  run(...parameters: unknown[]): Promise<{ changes: number }>;
};

export function statement(executor: () => Kysely<unknown>, dialect: Dialect, text: string): Statement {
  const placeholder = (index: number) => (dialect === "postgres" ? `$${index}` : "?");
  let index = 0;
  const positional = text.replace(/\?/g, () => placeholder(++index));
  const execute = (parameters: unknown[]) => {
    const [first] = parameters;
    if (parameters.length === 1 && isValues(first)) {
      // Named: each :name becomes the next placeholder, its value taken from the object.
      const values: unknown[] = [];
      const compiled = text.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
        if (!(name in first)) throw new Error(`No value for :${name} in ${text}`);
        values.push(first[name]);
        return placeholder(values.length);
      });
      return executor().executeQuery<Row>(CompiledQuery.raw(compiled, values));
    }
    return executor().executeQuery<Row>(CompiledQuery.raw(positional, parameters));
  };
  return {
    async get(...parameters) {
      return (await execute(parameters)).rows[0];
    },
    async all(...parameters) {
      return (await execute(parameters)).rows;
    },
    async run(...parameters) {
      return { changes: Number((await execute(parameters)).numAffectedRows ?? 0n) };
    },
  };
}

function isValues(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}
