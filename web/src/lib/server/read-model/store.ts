import type { DatabaseSync } from "node:sqlite";
import { columnsOf, inTransaction, openDatabase, type DatabaseKind, type Row } from "@nachbarstrom/core/sqlite";
import { ReadModelError } from "./errors.ts";
import { DATA_TABLES, MIGRATIONS } from "./schema.ts";

/** Which chain and contracts a read model file indexes; a file of another identity is rebuilt. */
export type ReadModelIdentity = {
  chainId: number;
  /** Contract name → address, as in the deployment file. */
  contracts: Readonly<Record<string, string>>;
  deployedAtBlock: bigint;
  deploymentBlockHash: string;
};

export type Progress = ReadModelIdentity & {
  /** The newest block whose logs are all in the file. */
  lastBlock: bigint;
  lastBlockHash: string | null;
};

/** An open read model database (schema.ts). */
export type ReadModelStore = {
  readonly file: string;
  readonly db: DatabaseSync;
  /** Runs `fn` in one IMMEDIATE transaction: all of its writes are kept, or none. */
  transaction<T>(fn: () => T): T;
  /** How far the file is indexed and for which deployment; undefined for a new file. */
  progress(): Progress | undefined;
  /**
   * Why the file cannot continue for `identity` (another chain, contracts, deployment block or a
   * chain restarted under the same addresses), or undefined when it can.
   */
  mismatch(identity: ReadModelIdentity): string | undefined;
  /** Empties every indexed table and starts over for `identity`, in one transaction. */
  reset(identity: ReadModelIdentity): void;
  /** Records that every log up to `block` is in. Call inside the range's transaction. */
  setProgress(block: bigint, hash: string): void;
  close(): void;
};

/** The read model, for its error messages. */
export const READ_MODEL_DATABASE: DatabaseKind = {
  name: "the read model",
  writer: "portal",
  error: (shortMessage, options) => new ReadModelError(shortMessage, options),
};

const columns = columnsOf(READ_MODEL_DATABASE);
/** Reads an INTEGER column; a wrong type means the file was changed by something else. */
export const intColumn = columns.int;
export const textColumn = columns.text;
export type { Row };

/**
 * Opens (or creates) the read model in WAL mode and runs the migrations. synchronous=NORMAL: a power
 * cut may lose the newest ranges but never leaves a range half written, and the indexer reads lost
 * ranges again from the chain.
 */
export function openReadModelStore({ file, now = Date.now }: { file: string; now?: () => number }): ReadModelStore {
  const { db } = openDatabase({ file, kind: READ_MODEL_DATABASE, migrations: MIGRATIONS, synchronous: "NORMAL", now });

  const progress = (): Progress | undefined => {
    const row = db.prepare("SELECT * FROM progress WHERE id = 1").get();
    if (!row) return undefined;
    return {
      chainId: Number(intColumn(row, "chain_id")),
      contracts: JSON.parse(textColumn(row, "contracts")) as Record<string, string>,
      deployedAtBlock: intColumn(row, "deployed_at_block"),
      deploymentBlockHash: textColumn(row, "deployment_block_hash"),
      lastBlock: intColumn(row, "last_block"),
      lastBlockHash: row.last_block_hash === null ? null : textColumn(row, "last_block_hash"),
    };
  };
  const run = <T>(fn: () => T) => inTransaction(db, READ_MODEL_DATABASE, fn);

  return {
    file,
    db,
    transaction: run,
    progress,
    mismatch: (identity) => {
      const stored = progress();
      return stored ? identityMismatch(stored, identity) : "the file is new";
    },
    reset: (identity) =>
      run(() => {
        for (const table of DATA_TABLES) db.exec(`DELETE FROM ${table}`);
        db.prepare("DELETE FROM progress").run();
        db.prepare(
          `INSERT INTO progress (id, chain_id, contracts, deployed_at_block, deployment_block_hash, last_block, last_block_hash)
           VALUES (1, ?, ?, ?, ?, ?, NULL)`,
        ).run(
          identity.chainId,
          contractsJson(identity.contracts),
          identity.deployedAtBlock,
          identity.deploymentBlockHash,
          identity.deployedAtBlock - 1n,
        );
      }),
    setProgress: (block, hash) => {
      const { changes } = db
        .prepare("UPDATE progress SET last_block = ?, last_block_hash = ? WHERE id = 1")
        .run(block, hash);
      if (changes !== 1n && changes !== 1) {
        throw new ReadModelError("The read model has no progress row", { details: "reset() was not called" });
      }
    },
    close: () => {
      if (db.isOpen) db.close();
    },
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
