import { dirname, isAbsolute, join } from "node:path";
import {
  openStore,
  storeLocation,
  type Kysely,
  type StoreDatabase,
  type StoreKind,
  type Transaction,
} from "@nachbarstrom/core/database";
import { AccountsError } from "./errors.ts";
import { MIGRATIONS } from "./schema.ts";
import type { AccountsTables } from "./tables.ts";

export type { AccountsTables } from "./tables.ts";

/**
 * The open accounts database (schema.ts) on the data-access layer (ADR 0010): a SQLite file, or the
 * schema `accounts` of a PostgreSQL database that several portal processes share. `now` is the clock
 * its expiries are measured with. `transaction(async (trx) => …)` keeps all of its writes, or none.
 */
export type AccountsStore = StoreDatabase<AccountsTables> & {
  /** Wall clock in unix ms; injectable for tests. */
  readonly now: () => number;
};

/** The database or a transaction on it: what a function that may run inside a transaction takes. */
export type AccountsExecutor = Kysely<AccountsTables> | Transaction<AccountsTables>;

export type OpenAccountsStoreParameters = {
  /** A SQLite file (or ":memory:") or a postgres:// URL. */
  location: string;
  now?: () => number;
};

/** Environment variable with the accounts database: a file path or a postgres:// URL. */
export const ACCOUNTS_DB_ENV = "NACHBARSTROM_ACCOUNTS_DB";

/**
 * NACHBARSTROM_ACCOUNTS_DB, else NACHBARSTROM_DATABASE_URL, else `accounts.db` next to the deployment
 * file (NACHBARSTROM_DEPLOYMENT).
 */
export function accountsDatabaseLocation(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return storeLocation(env, ACCOUNTS_DB_ENV, () => {
    const deployment = env.NACHBARSTROM_DEPLOYMENT;
    if (deployment && isAbsolute(deployment)) return join(dirname(deployment), "accounts.db");
    throw new AccountsError("The portal does not know where to keep its accounts", {
      details: `set ${ACCOUNTS_DB_ENV}, NACHBARSTROM_DATABASE_URL, or NACHBARSTROM_DEPLOYMENT to an absolute path (accounts.db goes next to it)`,
    });
  });
}

/** The accounts database, for its error messages; its tables live in the PostgreSQL schema `accounts`. */
export const ACCOUNTS_DATABASE: StoreKind = {
  name: "the accounts database",
  writer: "portal",
  schema: "accounts",
  error: (shortMessage, options) => new AccountsError(shortMessage, options),
};

/** Opens (or creates) the accounts database (SQLite: WAL, synchronous=FULL) and runs the migrations. */
export async function openAccountsStore({
  location,
  now = Date.now,
}: OpenAccountsStoreParameters): Promise<AccountsStore> {
  const store = await openStore<AccountsTables>({
    location,
    kind: ACCOUNTS_DATABASE,
    migrations: MIGRATIONS,
    synchronous: "FULL",
    foreignKeys: true,
    readBigInts: false,
    now,
  });
  return Object.assign(store, { now });
}

let shared: Promise<AccountsStore> | undefined;

/** The portal process's one store, opened on first use from the environment (once, however many ask). */
export function accountsStore(): Promise<AccountsStore> {
  shared ??= openAccountsStore({ location: accountsDatabaseLocation() }).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** SQL for the text of field `field` of the JSON in `column` (actions.details), on either dialect. */
export function jsonText(store: AccountsStore, column: string, field: string): string {
  if (!/^[a-z_.]+$/i.test(column) || !/^[a-z]+$/i.test(field)) throw new Error(`Invalid JSON path ${column}.${field}`);
  return store.dialect === "postgres" ? `(${column}::json ->> '${field}')` : `json_extract(${column}, '$.${field}')`;
}
