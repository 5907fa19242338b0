import { openStore, type Dialect, type Kysely, type StoreKind, type Transaction } from "@nachbarstrom/core/database";
import { columnsOf, type Row } from "@nachbarstrom/core/sqlite";
import { ReadModelError } from "./errors.ts";
import { DATA_TABLES, MIGRATIONS } from "./schema.ts";
import type { ReadModelTables } from "./tables.ts";

/** The read model's database, or a transaction on it: what the queries and writers take. */
export type ReadModelDb = Kysely<ReadModelTables>;
export type ReadModelTransaction = Transaction<ReadModelTables>;

/** Which chain and contracts a read model indexes; a read model of another identity is rebuilt. */
export type ReadModelIdentity = {
  chainId: number;
  /** Contract name → address, as in the deployment file. */
  contracts: Readonly<Record<string, string>>;
  deployedAtBlock: bigint;
  deploymentBlockHash: string;
};

export type Progress = ReadModelIdentity & {
  /** The newest block whose logs are all in the read model. */
  lastBlock: bigint;
  lastBlockHash: string | null;
};

/** An open read model database (schema.ts): a SQLite file or a schema of a PostgreSQL database. */
export type ReadModelStore = {
  /** The file or URL (without its password), for messages. */
  readonly location: string;
  readonly dialect: Dialect;
  readonly db: ReadModelDb;
  /** Runs `fn` in one transaction: all of its writes are kept, or none. */
  transaction<T>(fn: (trx: ReadModelTransaction) => Promise<T>): Promise<T>;
  /** How far the read model is indexed and for which deployment; undefined for a new one. */
  progress(): Promise<Progress | undefined>;
  /**
   * Why the read model cannot continue for `identity` (another chain, contracts, deployment block or
   * a chain restarted under the same addresses), or undefined when it can.
   */
  mismatch(identity: ReadModelIdentity): Promise<string | undefined>;
  /** Empties every indexed table and starts over for `identity`. Call inside a transaction. */
  reset(trx: ReadModelTransaction, identity: ReadModelIdentity): Promise<void>;
  /** Records that every log up to `block` is in. Call inside the range's transaction. */
  setProgress(trx: ReadModelTransaction, block: bigint, hash: string): Promise<void>;
  close(): Promise<void>;
};

/** The read model, for its error messages; its tables live in the PostgreSQL schema read_model. */
export const READ_MODEL_DATABASE: StoreKind = {
  name: "the read model",
  writer: "portal",
  schema: "read_model",
  error: (shortMessage, options) => new ReadModelError(shortMessage, options),
};

const columns = columnsOf(READ_MODEL_DATABASE);
/** Reads an INTEGER column; a wrong type means the database was changed by something else. */
export const intColumn = columns.int;
export const textColumn = columns.text;
export type { Row };

/** What `sql\`…\`` builds: a raw query the read model runs. */
export type RawQuery = { execute(db: ReadModelDb): Promise<{ rows: unknown[] }> };

/** The rows of a raw query, for the column readers above. */
export async function allRows(db: ReadModelDb, query: RawQuery): Promise<Row[]> {
  return (await query.execute(db)).rows as Row[];
}

/** The first row of a raw query, or undefined. */
export async function firstRow(db: ReadModelDb, query: RawQuery): Promise<Row | undefined> {
  return (await allRows(db, query))[0];
}

/**
 * Opens (or creates) the read model at `location` (a SQLite file, ":memory:" or a postgres:// URL) and
 * runs the migrations. On SQLite synchronous=NORMAL: a power cut may lose the newest ranges but never
 * leaves a range half written, and the indexer reads lost ranges again from the chain.
 */
export async function openReadModelStore({
  location,
  now = Date.now,
}: {
  location: string;
  now?: () => number;
}): Promise<ReadModelStore> {
  const store = await openStore<ReadModelTables>({
    location,
    kind: READ_MODEL_DATABASE,
    migrations: MIGRATIONS,
    synchronous: "NORMAL",
    now,
  });
  const { db } = store;

  const progress = async (): Promise<Progress | undefined> => {
    const row = await db.selectFrom("progress").selectAll().where("id", "=", 1n).executeTakeFirst();
    if (!row) return undefined;
    return {
      chainId: Number(row.chain_id),
      contracts: JSON.parse(row.contracts) as Record<string, string>,
      deployedAtBlock: row.deployed_at_block,
      deploymentBlockHash: row.deployment_block_hash,
      lastBlock: row.last_block,
      lastBlockHash: row.last_block_hash,
    };
  };

  return {
    location: store.location,
    dialect: store.dialect,
    db,
    transaction: (fn) => store.transaction(fn),
    progress,
    mismatch: async (identity) => {
      const stored = await progress();
      return stored ? identityMismatch(stored, identity) : "the read model is new";
    },
    async reset(trx, identity) {
      for (const table of DATA_TABLES) await trx.deleteFrom(table).execute();
      await trx.deleteFrom("progress").execute();
      await trx
        .insertInto("progress")
        .values({
          id: 1n,
          chain_id: BigInt(identity.chainId),
          contracts: contractsJson(identity.contracts),
          deployed_at_block: identity.deployedAtBlock,
          deployment_block_hash: identity.deploymentBlockHash,
          last_block: identity.deployedAtBlock - 1n,
          last_block_hash: null,
        })
        .execute();
    },
    async setProgress(trx, block, hash) {
      const { numUpdatedRows } = await trx
        .updateTable("progress")
        .set({ last_block: block, last_block_hash: hash })
        .where("id", "=", 1n)
        .executeTakeFirst();
      if (numUpdatedRows !== 1n) {
        throw new ReadModelError("The read model has no progress row", { details: "reset() was not called" });
      }
    },
    close: () => store.close(),
  };
}

function identityMismatch(stored: ReadModelIdentity, wanted: ReadModelIdentity): string | undefined {
  if (stored.chainId !== wanted.chainId) return `chain id ${stored.chainId}, not ${wanted.chainId}`;
  if (contractsJson(stored.contracts) !== contractsJson(wanted.contracts)) return "other contract addresses";
  if (stored.deployedAtBlock !== wanted.deployedAtBlock) {
    return `deployed at block ${stored.deployedAtBlock}, not ${wanted.deployedAtBlock}`;
  }
  if (stored.deploymentBlockHash.toLowerCase() !== wanted.deploymentBlockHash.toLowerCase()) {
    return `block ${wanted.deployedAtBlock} has another hash (the chain was restarted)`;
  }
  return undefined;
}

/** The contracts as JSON with sorted names and lower-case addresses, so equal sets compare equal. */
function contractsJson(contracts: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(contracts)
        .map(([name, address]) => [name, address.toLowerCase()])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  );
}
