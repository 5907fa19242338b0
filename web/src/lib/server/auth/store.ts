import { dirname, isAbsolute, join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { inTransaction, openDatabase, type DatabaseKind } from "@nachbarstrom/core/sqlite";
import { AccountsError } from "./errors.ts";
import { MIGRATIONS } from "./schema.ts";

/** The open accounts database (schema.ts) and the clock its expiries are measured with. */
export type AccountsStore = {
  readonly file: string;
  readonly db: DatabaseSync;
  /** Wall clock in unix ms; injectable for tests. */
  readonly now: () => number;
  /** Runs `fn` in one IMMEDIATE transaction: all of its writes, or none. Nests by joining. */
  transaction<T>(fn: () => T): T;
  close(): void;
};

export type OpenAccountsStoreParameters = { file: string; now?: () => number };

/** Environment variable with the path of the accounts database. */
export const ACCOUNTS_DB_ENV = "NACHBARSTROM_ACCOUNTS_DB";

/** NACHBARSTROM_ACCOUNTS_DB, or `accounts.db` next to the deployment file (NACHBARSTROM_DEPLOYMENT). */
export function accountsDatabaseFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const file = env[ACCOUNTS_DB_ENV];
  if (file) return file;
  const deployment = env.NACHBARSTROM_DEPLOYMENT;
  if (deployment && isAbsolute(deployment)) return join(dirname(deployment), "accounts.db");
  throw new AccountsError("The portal does not know where to keep its accounts", {
    details: `set ${ACCOUNTS_DB_ENV}, or NACHBARSTROM_DEPLOYMENT to an absolute path (accounts.db goes next to it)`,
  });
}

/** The accounts database, for its error messages. */
export const ACCOUNTS_DATABASE: DatabaseKind = {
  name: "the accounts database",
  writer: "portal",
  error: (shortMessage, options) => new AccountsError(shortMessage, options),
};

/** Opens (or creates) the accounts database in WAL mode with synchronous=FULL and runs the migrations. */
export function openAccountsStore({ file, now = Date.now }: OpenAccountsStoreParameters): AccountsStore {
  const { db } = openDatabase({
    file,
    kind: ACCOUNTS_DATABASE,
    migrations: MIGRATIONS,
    synchronous: "FULL",
    foreignKeys: true,
    readBigInts: false,
    now,
  });
  return {
    file,
    db,
    now,
    transaction: (fn) => inTransaction(db, ACCOUNTS_DATABASE, fn),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

let shared: AccountsStore | undefined;

/** The portal process's one connection, opened on first use from the environment. */
export function accountsStore(): AccountsStore {
  shared ??= openAccountsStore({ file: accountsDatabaseFile() });
  return shared;
}
