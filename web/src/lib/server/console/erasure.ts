import { getAddress, type Address } from "viem";
import { recordDone } from "../actions/store.ts";
import type { AccountsStore } from "../auth/store.ts";
import { meterDirectoryPath } from "../meters/directory-file.ts";
import { removeOwnerFromDirectoryFile } from "./meter-directory.ts";

/** What an account still has that forbids erasing its personal link. */
export type ErasureState = {
  /** The portal knows the account (a row in `accounts`). */
  known: boolean;
  /** The account's meters that are registered and not retired (on chain). */
  activeMeters: number;
  /** CreditToken.positionOf: balance when positive, debt when negative. */
  position: bigint;
  /** CreditToken.debtOf. */
  debt: bigint;
  /** The account holds a console role (operator, auditor, treasurer): not a household's link. */
  consoleRole: boolean;
};

/** Why an erasure is refused (a message key of the audit catalogue), or undefined when it may go ahead. */
export type ErasureProblem =
  | "erasure.error.unknown"
  | "erasure.error.console"
  | "erasure.error.activeMeter"
  | "erasure.error.debt"
  | "erasure.error.balance";

/**
 * Whether the link may be erased: not while a meter of the account is active (retire it first: its
 * readings would still settle), nor while money is open (pay the balance out or settle the debt
 * first: both need the account's holder), nor for the utility's own console accounts.
 */
export function erasureProblem(state: ErasureState): ErasureProblem | undefined {
  if (!state.known) return "erasure.error.unknown";
  if (state.consoleRole) return "erasure.error.console";
  if (state.activeMeters > 0) return "erasure.error.activeMeter";
  if (state.debt > 0n || state.position < 0n) return "erasure.error.debt";
  if (state.position > 0n) return "erasure.error.balance";
  return undefined;
}

/** What an erasure deleted, for the audit log (counts only: nothing that identifies a person). */
export type ErasureRecord = {
  account: Address;
  sessions: number;
  passkeys: number;
  users: number;
  invitations: number;
  challenges: number;
  /** Whether the portal held the account's key (server custody); the encrypted key is deleted with the row. */
  heldKey: boolean;
  /** Prepared actions of the account that could no longer be confirmed, marked expired. */
  expiredActions: number;
  /** Its metering points onboarded in the console (metering point id, salt): rows deleted. */
  meteringPoints: number;
  /** Its metering points taken out of the bridge's directory file; undefined when no file is configured. */
  directoryEntries: number | undefined;
  /** The `accounts` row: deleted, or kept without its key when billing records (credit requests) name it. */
  accountRow: "deleted" | "kept without key";
};

/**
 * Erases an account's personal link in the accounts database, in one transaction: its sessions,
 * passkeys, users, invitations (open and used: a used one names the user), the WebAuthn challenges of
 * those invitations and the account row with its encrypted key; prepared actions that waited for its
 * confirmation expire; its onboarded metering points (metering point id and salt) are deleted and
 * taken out of the bridge's directory file (`directoryFile`, by default NACHBARSTROM_METERS), written
 * last inside the transaction, so a failed write leaves the database as it was. The audit log keeps
 * its rows (they name the pseudonymous account only) and records the erasure as "household.erase" by
 * `by`. Call only after erasureProblem answered undefined.
 */
export async function eraseAccountLink(
  store: AccountsStore,
  {
    account,
    by,
    directoryFile = meterDirectoryPath(),
  }: { account: Address; by: { account: Address; userId: number }; directoryFile?: string },
): Promise<ErasureRecord> {
  const address = getAddress(account);
  return store.transaction(async () => {
    const row = await store.prepare("SELECT custody FROM accounts WHERE address = ?").get(address);
    const users = "SELECT id FROM users WHERE account = ?";
    const invitations = "SELECT id FROM invitations WHERE account = ?";
    const run = async (sql: string, ...parameters: unknown[]) =>
      (await store.prepare(sql).run(...parameters, address)).changes;
    const record: Omit<ErasureRecord, "accountRow" | "directoryEntries"> = {
      account: address,
      heldKey: row?.custody === "server",
      challenges: await run(`DELETE FROM challenges WHERE invitation_id IN (${invitations})`),
      sessions: await run(`DELETE FROM sessions WHERE user_id IN (${users})`),
      passkeys: await run(`DELETE FROM credentials WHERE user_id IN (${users})`),
      invitations: await run("DELETE FROM invitations WHERE account = ?"),
      users: await run("DELETE FROM users WHERE account = ?"),
      meteringPoints: (await store.prepare("DELETE FROM metering_points WHERE lower(owner) = lower(?)").run(address))
        .changes,
      expiredActions: await run(
        `UPDATE actions SET state = 'expired', challenge = NULL, updated_at = ?
         WHERE account = ? AND state = 'prepared'`,
        store.now(),
      ),
    };
    // The key goes in any case; the row itself only when no billing record (a credit request) names the
    // account: then it stays as a bare address.
    await run("UPDATE accounts SET custody = 'external', encrypted_key = NULL WHERE address = ?");
    const billed = await store
      .prepare("SELECT 1 AS billed FROM credit_requests WHERE account = ? LIMIT 1")
      .get(address);
    let accountRow: ErasureRecord["accountRow"] = "kept without key";
    if (!billed) {
      await run("DELETE FROM accounts WHERE address = ?");
      accountRow = "deleted";
    }
    const directoryEntries = directoryFile ? removeOwnerFromDirectoryFile(directoryFile, address).length : undefined;
    const erased = { ...record, accountRow, directoryEntries };
    await recordDone(store, {
      account: by.account,
      userId: by.userId,
      kind: "household.erase",
      details: { ...erased },
    });
    return erased;
  });
}
