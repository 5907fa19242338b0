/**
 * One indexer across portal processes. Several portal processes may share one read model (PostgreSQL
 * behind a load balancer); all of them read it, but two writing the same blocks would count every event
 * twice. The process holding the lease row indexes; a holder that stops renewing (it died or hangs)
 * loses it once it expires, and another process takes it at its next catch-up.
 *
 * The lease is also a fence: every transaction that writes indexed data first checks, with a write on the
 * lease row, that this process still holds it, so a process paused past its lease cannot write a range
 * its successor already wrote (on PostgreSQL the write also makes a concurrent take-over wait for it).
 */
import { hostname } from "node:os";
import { ReadModelError } from "./errors.ts";
import type { ReadModelDb, ReadModelTransaction } from "./store.ts";

/** How long the lease lasts without renewal; the holder renews it on every catch-up and range. */
export const DEFAULT_LEASE_MS = 15_000;

export type IndexerLease = {
  /** This process, as the lease row names it. */
  readonly holder: string;
  /** Takes the lease when it is free or expired, renews it when held: whether this process holds it now. */
  acquire(): Promise<boolean>;
  /** Inside a writing transaction, as its first statement: renews the lease, or throws when it is lost. */
  assertHeld(trx: ReadModelTransaction): Promise<void>;
  /** Gives the lease up (a clean stop), so another process takes it at once. */
  release(): Promise<void>;
};

export type IndexerLeaseParameters = {
  db: ReadModelDb;
  /**
   * Host and process id unless given: the same process opening the read model again holds the lease
   * still, and a restarted process (another id) takes it once its predecessor's lease has expired.
   */
  holder?: string;
  leaseMs?: number;
  now?: () => number;
};

export function indexerLease({
  db,
  holder = `${hostname()}:${process.pid}`,
  leaseMs = DEFAULT_LEASE_MS,
  now = Date.now,
}: IndexerLeaseParameters): IndexerLease {
  return {
    holder,
    async acquire() {
      const at = BigInt(now());
      const expiresAt = at + BigInt(leaseMs);
      // One conditional statement: of two processes reaching for an expired lease, one gets it.
      const result = await db
        .insertInto("indexer_lease")
        .values({ id: 1n, holder, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column("id")
            .doUpdateSet({ holder, expires_at: expiresAt })
            .where((eb) => eb.or([eb("indexer_lease.holder", "=", holder), eb("indexer_lease.expires_at", "<=", at)])),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async assertHeld(trx) {
      const at = BigInt(now());
      const { numUpdatedRows } = await trx
        .updateTable("indexer_lease")
        .set({ expires_at: at + BigInt(leaseMs) })
        .where("id", "=", 1n)
        .where("holder", "=", holder)
        .where("expires_at", ">", at)
        .executeTakeFirst();
      if (numUpdatedRows !== 1n) {
        throw new ReadModelError(`This portal process (${holder}) no longer holds the indexer's lease`, {
          details: "its lease expired or another process took it; that process indexes now",
        });
      }
    },
    async release() {
      await db.deleteFrom("indexer_lease").where("holder", "=", holder).execute();
    },
  };
}
