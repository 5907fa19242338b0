/**
 * SQL text with `?` placeholders, run through Kysely on either dialect: the portal's accounts code is
 * written as plain statements (as it was on node:sqlite), and this runs them on the store's current
 * executor (the transaction it is in, if any). PostgreSQL's placeholders are numbered (`$1`); the text
 * must not contain a `?` other than the placeholders (no `?` inside string literals).
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
  let index = 0;
  const compiled = dialect === "postgres" ? text.replace(/\?/g, () => `$${++index}`) : text;
  const execute = (parameters: unknown[]) => executor().executeQuery<Row>(CompiledQuery.raw(compiled, parameters));
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
