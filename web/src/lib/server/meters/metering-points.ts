import type { Address, Hex } from "viem";
import { jsonText, type AccountsStore } from "../auth/store.ts";

/** Where an onboarded metering point stands, as its registerMeter action in the actions table says. */
export type Registration = "waiting" | "registered" | "failed";

/** One row of metering_points (auth/schema.ts, migration 5) with its registration derived. */
export type MeteringPoint = {
  meteringPointId: string;
  salt: Hex;
  meterId: Hex;
  owner: Address;
  neighbourhood: Hex;
  slug: string;
  createdAt: number;
  actionId: string | undefined;
  /** A new household's account: its invitation is issued once the meter is registered. */
  invite: boolean;
  invitedAt: number | undefined;
  retiredAt: number | undefined;
  registration: Registration;
};

/**
 * SQL: the registration of row `p` from its action `a`. A prepared action whose validity ran out can no
 * longer be sent (actions/confirm.ts): it failed, as a reverted one did.
 */
const REGISTRATION = `CASE
    WHEN a.state = 'confirmed' THEN 'registered'
    WHEN a.state IN ('failed', 'expired') OR (a.state = 'prepared' AND a.expires_at <= ?) THEN 'failed'
    ELSE 'waiting' END`;
const SELECT = `SELECT p.*, ${REGISTRATION} AS registration FROM metering_points p LEFT JOIN actions a ON a.id = p.action_id`;

function meteringPointOf(row: Record<string, unknown>): MeteringPoint {
  const optional = <T>(value: unknown) => (value === null || value === undefined ? undefined : (value as T));
  return {
    meteringPointId: String(row.metering_point_id),
    salt: row.salt as Hex,
    meterId: row.meter_id as Hex,
    owner: row.owner as Address,
    neighbourhood: row.neighbourhood as Hex,
    slug: String(row.neighbourhood_slug),
    createdAt: Number(row.created_at),
    actionId: optional<string>(row.action_id),
    invite: Number(row.invite) === 1,
    invitedAt: optional<number>(row.invited_at),
    retiredAt: optional<number>(row.retired_at),
    registration: row.registration as Registration,
  };
}

/**
 * Sets retired_at on each row whose meter a confirmed "meter.retire" action retired: the state follows
 * the audit log, as credit requests do (money/requests.ts).
 */
async function reconcileRetired(store: AccountsStore): Promise<void> {
  await store
    .prepare(
      `UPDATE metering_points SET retired_at = a.updated_at FROM actions a
       WHERE a.kind = 'meter.retire' AND a.state = 'confirmed' AND ${jsonText(store, "a.details", "meterId")} = meter_id
         AND metering_points.retired_at IS NULL`,
    )
    .run();
}

export async function listMeteringPoints(store: AccountsStore): Promise<MeteringPoint[]> {
  await reconcileRetired(store);
  const rows = await store.prepare(`${SELECT} ORDER BY p.created_at, p.metering_point_id`).all(store.now());
  return rows.map(meteringPointOf);
}

export async function findMeteringPoint(
  store: AccountsStore,
  meteringPointId: string,
): Promise<MeteringPoint | undefined> {
  await reconcileRetired(store);
  const row = await store.prepare(`${SELECT} WHERE p.metering_point_id = ?`).get(store.now(), meteringPointId);
  return row ? meteringPointOf(row) : undefined;
}

/** The meter ids of every confirmed "meter.retire" action, onboarded here or not (the demo's meters). */
export async function retiredMeterIds(store: AccountsStore): Promise<Set<string>> {
  const rows = await store
    .prepare(
      `SELECT ${jsonText(store, "details", "meterId")} AS meter FROM actions WHERE kind = 'meter.retire' AND state = 'confirmed'`,
    )
    .all();
  return new Set(rows.map((row) => String(row.meter).toLowerCase()));
}

export type NewMeteringPoint = Pick<
  MeteringPoint,
  "meteringPointId" | "salt" | "meterId" | "owner" | "neighbourhood" | "slug" | "invite"
>;

/**
 * Stores a metering point waiting for its registerMeter action. A row of the same id whose
 * registration failed makes way for it; a waiting or registered one does not: false then.
 */
export async function insertMeteringPoint(store: AccountsStore, point: NewMeteringPoint): Promise<boolean> {
  return store.transaction(async () => {
    const existing = await findMeteringPoint(store, point.meteringPointId);
    if (existing && existing.registration !== "failed") return false;
    if (existing) await deleteMeteringPoint(store, point.meteringPointId);
    await store
      .prepare(
        `INSERT INTO metering_points (metering_point_id, salt, meter_id, owner, neighbourhood, neighbourhood_slug,
           created_at, invite) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        point.meteringPointId,
        point.salt,
        point.meterId,
        point.owner,
        point.neighbourhood,
        point.slug,
        store.now(),
        point.invite ? 1 : 0,
      );
    return true;
  });
}

/** Ties the registerMeter action to its metering point. */
export async function tieRegistration(store: AccountsStore, meteringPointId: string, actionId: string): Promise<void> {
  await store
    .prepare("UPDATE metering_points SET action_id = ? WHERE metering_point_id = ?")
    .run(actionId, meteringPointId);
}

/** Forgets a metering point whose action could not even be prepared (the chain refused it). */
export async function deleteMeteringPoint(store: AccountsStore, meteringPointId: string): Promise<void> {
  await store.prepare("DELETE FROM metering_points WHERE metering_point_id = ?").run(meteringPointId);
}

/**
 * Marks a registered new household's invitation as issued, exactly once: true for the one caller that
 * may issue it (in the same transaction), false when it is not registered, not a new household, or
 * issued already.
 */
export async function claimInvitation(store: AccountsStore, meteringPointId: string): Promise<boolean> {
  const point = await findMeteringPoint(store, meteringPointId);
  if (!point || !point.invite || point.registration !== "registered") return false;
  const claimed = await store
    .prepare("UPDATE metering_points SET invited_at = ? WHERE metering_point_id = ? AND invited_at IS NULL")
    .run(store.now(), meteringPointId);
  return Number(claimed.changes) === 1;
}
