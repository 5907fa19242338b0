import { dirname, isAbsolute, join } from "node:path";
import { DATABASE_URL_ENV, isPostgresUrl, storeLocation } from "@nachbarstrom/core/database";
import { DEPLOYMENT_ENV } from "../deployment.ts";
import { ReadModelError } from "./errors.ts";
import { DEFAULT_RANGE_BLOCKS } from "./indexer.ts";

type Env = Readonly<Record<string, string | undefined>>;

export const READ_MODEL_DB_ENV = "NACHBARSTROM_READ_MODEL_DB";
export const READ_MODEL_RANGE_ENV = "NACHBARSTROM_READ_MODEL_RANGE_BLOCKS";
export const READ_MODEL_CONFIRMATIONS_ENV = "NACHBARSTROM_READ_MODEL_CONFIRMATIONS";
export const READ_MODEL_POLL_ENV = "NACHBARSTROM_READ_MODEL_POLL_MS";

export type ReadModelConfig = {
  /**
   * NACHBARSTROM_READ_MODEL_DB (a SQLite file or a postgres:// URL), else NACHBARSTROM_DATABASE_URL,
   * else read-model.db next to the deployment file.
   */
  location: string;
  rangeBlocks: bigint;
  confirmations: bigint;
  /** Background poll period; also how old the read model may be when a page loads. */
  pollMs: number;
};

/** The read model's settings from the environment; a bad value is an error that names the variable. */
export function readModelConfig(env: Env = process.env): ReadModelConfig {
  const deploymentFile = env[DEPLOYMENT_ENV];
  const location = storeLocation(env, READ_MODEL_DB_ENV, () =>
    deploymentFile ? join(dirname(deploymentFile), "read-model.db") : "",
  );
  if (!location || (location !== ":memory:" && !isPostgresUrl(location) && !isAbsolute(location))) {
    throw new ReadModelError(`${READ_MODEL_DB_ENV} must be an absolute path or a postgres:// URL`, {
      details: location ? `got "${location}"` : `neither it, ${DATABASE_URL_ENV} nor ${DEPLOYMENT_ENV} is set`,
    });
  }
  return {
    location,
    rangeBlocks: BigInt(whole(env, READ_MODEL_RANGE_ENV, Number(DEFAULT_RANGE_BLOCKS), 1)),
    confirmations: BigInt(whole(env, READ_MODEL_CONFIRMATIONS_ENV, 0, 0)),
    pollMs: whole(env, READ_MODEL_POLL_ENV, 1000, 0),
  };
}

function whole(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ReadModelError(`${name} must be a whole number of at least ${min}`, { details: `got "${raw}"` });
  }
  return value;
}
