import { isAbsolute, join, resolve } from "node:path";
import { DATABASE_URL_ENV, isPostgresUrl, storeLocation } from "@nachbarstrom/core/database";
import { BridgeConfigurationError } from "./errors.ts";

/** Environment variable with the bridge database (a file path or a postgres:// URL), for nodes whose own setting is empty. */
export const STORE_FILE_ENV = "NACHBARSTROM_BRIDGE_DB";
/** The database's file name inside Node-RED's user directory when nothing else is set. */
export const DEFAULT_STORE_FILE_NAME = "nachbarstrom-bridge.db";

export type StoreFileParameters = {
  /** The path or URL set on the node; may be empty. */
  configured: string | undefined;
  /** The value of NACHBARSTROM_BRIDGE_DB. */
  fromEnv: string | undefined;
  /** The value of NACHBARSTROM_DATABASE_URL: the database all of Nachbarstrom's stores share. */
  databaseUrl: string | undefined;
  /** Node-RED's user directory (RED.settings.userDir), when known. */
  userDir: string | undefined;
};

/**
 * Where the bridge database is: the node's setting, else NACHBARSTROM_BRIDGE_DB, else
 * NACHBARSTROM_DATABASE_URL, else nachbarstrom-bridge.db in Node-RED's user directory. Each may be a
 * postgres:// URL or a SQLite file; a relative file is taken relative to the user directory (or the
 * working directory when there is none), so it does not move with the directory Node-RED happens to
 * be started from.
 */
export function storeFile({ configured, fromEnv, databaseUrl, userDir }: StoreFileParameters): string {
  const env = { [STORE_FILE_ENV]: configured?.trim() || fromEnv?.trim(), [DATABASE_URL_ENV]: databaseUrl?.trim() };
  const location = storeLocation(env, STORE_FILE_ENV, () => {
    if (userDir) return join(userDir, DEFAULT_STORE_FILE_NAME);
    throw new BridgeConfigurationError("No bridge database is configured", {
      details: `set the database on the node or the environment variable ${STORE_FILE_ENV} or ${DATABASE_URL_ENV}`,
    });
  });
  if (/^\$\{.+\}$/.test(location)) {
    throw new BridgeConfigurationError("No bridge database is configured", {
      details: `the setting refers to ${location}, which is not set in the environment`,
    });
  }
  if (isPostgresUrl(location) || location === ":memory:" || isAbsolute(location)) return location;
  return resolve(userDir ?? process.cwd(), location);
}

/** The bridge database of a Node-RED node: its own setting, then the settings `setting` reads (flow or process environment). */
export function nodeStoreLocation(
  configured: string | undefined,
  setting: (name: string) => string | undefined,
  userDir: string | undefined,
): string {
  return storeFile({ configured, fromEnv: setting(STORE_FILE_ENV), databaseUrl: setting(DATABASE_URL_ENV), userDir });
}
