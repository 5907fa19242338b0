/**
 * Kysely on Node's built-in node:sqlite. Kysely's own SqliteDialect is written for better-sqlite3's
 * statement interface; this adapts DatabaseSync to it (statements cached per SQL text) and begins
 * transactions IMMEDIATE, so a transaction that reads and then writes never fails half-way on
 * another connection's write lock (SQLITE_BUSY on the upgrade from read to write).
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from "kysely";
import type { DatabaseSync, StatementSync, SQLInputValue } from "node:sqlite";

/** How many prepared statements a connection keeps; the stores use a few dozen distinct queries. */
const STATEMENT_CACHE_SIZE = 500;

type Statement = {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
};

/** DatabaseSync seen through better-sqlite3's interface, as Kysely's SqliteDriver expects it. */
function adapt(database: DatabaseSync) {
  const cache = new Map<string, Statement>();
  const wrap = (statement: StatementSync): Statement => {
    const values = (parameters: readonly unknown[]) => parameters.map(toSqlite);
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...values(parameters)),
      run: (parameters) => statement.run(...values(parameters)),
      iterate: (parameters) => statement.iterate(...values(parameters)),
    };
  };
  return {
    prepare(sql: string): Statement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = wrap(database.prepare(sql));
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      if (database.isOpen) database.close();
    },
  };
}

/** Booleans become 0/1 as SQLite stores them; everything else node:sqlite binds as it is. */
function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as SQLInputValue;
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** The Kysely dialect for one open DatabaseSync; Kysely's destroy() closes it. */
export class NodeSqliteDialect extends SqliteDialect {
  readonly #database: ReturnType<typeof adapt>;
  constructor(database: DatabaseSync) {
    const adapted = adapt(database);
    // The adapter implements the part of better-sqlite3's interface that SqliteDriver calls.
    super({ database: adapted as never });
    this.#database = adapted;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database as never });
  }
}
