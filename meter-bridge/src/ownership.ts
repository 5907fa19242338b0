/**
 * Several bridge processes on one PostgreSQL database (ADR 0011) divide the work by leases: each
 * neighbourhood is settled by exactly one of them at a time, and one of them sends the outbox, each the
 * holder of that work's lease (`neighbourhoodLease(id)`, `OUTBOX_LEASE`). Every process renews its
 * leases and its heartbeat on each refresh; a lease not renewed within `leaseMs` (the process died or
 * hangs) is taken by another. Processes share the leases evenly: one holding more than its share
 * releases the rest, which the others take at their next refresh.
 *
 * A lease is a fence, not only a hint: the transaction that closes an interval first checks, in the
 * database, that this process still holds the lease (`assertOwner`), so a process that was paused past
 * its lease cannot close an interval its successor already closed.
 */
import { sql, type Kysely, type Transaction } from "@nachbarstrom/core/database";
import { BridgeStoreError } from "./errors.ts";

/** The tables of ownership (bridge migration 4). */
export const OWNERSHIP_SQL = `
  -- The bridge processes sharing this database, and when each last showed it was alive.
  CREATE TABLE bridge_instances (
    instance TEXT NOT NULL PRIMARY KEY,
    heartbeat_at INTEGER NOT NULL
  );
  -- Which process does a piece of work (settles a neighbourhood, sends the outbox), until when (ms).
  -- Expired, any process may take it.
  CREATE TABLE bridge_leases (
    name TEXT NOT NULL PRIMARY KEY,
    instance TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;

/** The lease of settling one neighbourhood. */
export function neighbourhoodLease(neighbourhood: string): string {
  return `neighbourhood:${neighbourhood}`;
}

/** The lease of sending the outbox: one sender, because all processes sign with the one bridge key. */
export const OUTBOX_LEASE = "outbox";

export type OwnershipTables = {
  bridge_instances: { instance: string; heartbeat_at: bigint | number };
  bridge_leases: { name: string; instance: string; expires_at: bigint | number };
};

export type OwnershipChange = {
  /** Leases this process holds after the refresh. */
  owned: ReadonlySet<string>;
  gained: string[];
  lost: string[];
  /** Processes whose heartbeat is older than the lease: their leases and inbox are free to take over. */
  dead: string[];
};

export type Ownership = {
  readonly instance: string;
  /** Heartbeat, renew, release above the fair share, take free or expired leases among `leases`. */
  refresh(leases: readonly string[]): Promise<OwnershipChange>;
  /** Whether the last refresh left this process holding the lease. */
  owns(lease: string): boolean;
  /** Inside the transaction that does the work: throws unless this process holds the lease now. */
  assertOwner(trx: Transaction<OwnershipTables>, lease: string): Promise<void>;
  /** A dead process's row is removed once its inbox and MQTT session have been taken over. */
  forget(instance: string): Promise<void>;
  /** Gives up every lease (a clean stop), so the others take them at once. */
  release(): Promise<void>;
};

export type CreateOwnershipParameters = {
  db: Kysely<OwnershipTables>;
  instance: string;
  /** How long a lease lasts without renewal; refresh at least three times within it. */
  leaseMs: number;
  now?: () => number;
};

export function createOwnership({ db, instance, leaseMs, now = Date.now }: CreateOwnershipParameters): Ownership {
  let owned = new Set<string>();

  async function refresh(leases: readonly string[]): Promise<OwnershipChange> {
    const at = now();
    const until = at + leaseMs;
    await db
      .insertInto("bridge_instances")
      .values({ instance, heartbeat_at: at })
      .onConflict((oc) => oc.column("instance").doUpdateSet({ heartbeat_at: at }))
      .execute();
    const instances = await db.selectFrom("bridge_instances").selectAll().execute();
    const alive = instances.filter((row) => Number(row.heartbeat_at) > at - leaseMs).map((row) => row.instance);
    const dead = instances.filter((row) => !alive.includes(row.instance)).map((row) => row.instance);
    const share = Math.ceil(leases.length / Math.max(1, alive.length));

    // Renew what is still ours, in a stable order; above the share, let the rest go.
    const mine = (await db.selectFrom("bridge_leases").select("name").where("instance", "=", instance).execute())
      .map((row) => row.name)
      .filter((lease) => leases.includes(lease))
      .sort();
    const keep = mine.slice(0, share);
    const letGo = mine.slice(share);
    if (keep.length > 0) {
      await db
        .updateTable("bridge_leases")
        .set({ expires_at: until })
        .where("instance", "=", instance)
        .where("name", "in", keep)
        .execute();
    }
    if (letGo.length > 0) {
      await db
        .updateTable("bridge_leases")
        .set({ expires_at: 0 })
        .where("instance", "=", instance)
        .where("name", "in", letGo)
        .execute();
    }

    // Take free or expired neighbourhoods up to the share: one conditional statement each, so two
    // processes reaching for the same one cannot both get it.
    const held = new Set(keep);
    for (const lease of [...leases].sort()) {
      if (held.size >= share) break;
      if (held.has(lease) || letGo.includes(lease)) continue;
      const taken = await db
        .insertInto("bridge_leases")
        .values({ name: lease, instance, expires_at: until })
        .onConflict((oc) =>
          oc.column("name").doUpdateSet({ instance, expires_at: until }).where("bridge_leases.expires_at", "<=", at),
        )
        .executeTakeFirst();
      if (Number(taken.numInsertedOrUpdatedRows ?? 0n) > 0) held.add(lease);
    }

    const gained = [...held].filter((lease) => !owned.has(lease));
    const lost = [...owned].filter((lease) => !held.has(lease));
    owned = held;
    return { owned, gained, lost, dead };
  }

  return {
    instance,
    refresh,
    owns: (lease) => owned.has(lease),
    async assertOwner(trx, lease) {
      // A write, so that on PostgreSQL a concurrent take-over waits for this transaction to end.
      const result = await trx
        .updateTable("bridge_leases")
        .set({ expires_at: sql`expires_at` })
        .where("name", "=", lease)
        .where("instance", "=", instance)
        .where("expires_at", ">", now())
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        owned.delete(lease);
        throw new BridgeStoreError(`This bridge process (${instance}) no longer holds the lease ${lease}`, {
          details: "its lease expired or another process took it; the work is left to the holder",
        });
      }
    },
    async forget(dead) {
      await db.deleteFrom("bridge_instances").where("instance", "=", dead).execute();
    },
    async release() {
      await db.updateTable("bridge_leases").set({ expires_at: 0 }).where("instance", "=", instance).execute();
      await db.deleteFrom("bridge_instances").where("instance", "=", instance).execute();
      owned = new Set();
    },
  };
}
