import { isAbsolute, join, resolve } from "node:path";
import { BridgeConfigurationError } from "./errors.ts";

/** Environment variable with the bridge database's path, for nodes whose own setting is empty. */
export const STORE_FILE_ENV = "NACHBARSTROM_BRIDGE_DB";
/** The database's file name inside Node-RED's user directory when nothing else is set. */
export const DEFAULT_STORE_FILE_NAME = "nachbarstrom-bridge.db";

export type StoreFileParameters = {
  /** The path set on the node; may be empty. */
  configured: string | undefined;
  /** The value of NACHBARSTROM_BRIDGE_DB. */
  fromEnv: string | undefined;
  /** Node-RED's user directory (RED.settings.userDir), when known. */
  userDir: string | undefined;
};

/**
 * The node's setting, else NACHBARSTROM_BRIDGE_DB, else nachbarstrom-bridge.db in Node-RED's user
 * directory. A relative path is taken relative to the user directory (or the working directory when
 * there is none), so the file does not move with the directory Node-RED happens to be started from.
 */
export function storeFile({ configured, fromEnv, userDir }: StoreFileParameters): string {
  const file = configured?.trim() || fromEnv?.trim();
  if (file && /^\$\{.+\}$/.test(file)) {
    throw new BridgeConfigurationError("No bridge database is configured", {
      details: `the setting refers to ${file}, which is not set in the environment`,
    });
  }
  if (file) return file === ":memory:" || isAbsolute(file) ? file : resolve(userDir ?? process.cwd(), file);
  if (userDir) return join(userDir, DEFAULT_STORE_FILE_NAME);
  throw new BridgeConfigurationError("No bridge database is configured", {
    details: `set the database file on the node or the environment variable ${STORE_FILE_ENV}`,
  });
}
