import type { Address, Hex } from "viem";
import type { AccountsStore } from "../auth/store.ts";

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
    WHEN a.state IN ('failed', 'expired') OR (a.state = 'prepared' AND a.expires_at <= :now) THEN 'failed'
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
function reconcileRetired(store: AccountsStore): void {
  store.db
    .prepare(
      `UPDATE metering_points SET retired_at = a.updated_at FROM actions a
       WHERE a.kind = 'meter.retire' AND a.state = 'confirmed' AND json_extract(a.details, '$.meterId') = meter_id
         AND metering_points.retired_at IS NULL`,
    )
    .run();
}

export function listMeteringPoints(store: AccountsStore): MeteringPoint[] {
  reconcileRetired(store);
  return store.db
    .prepare(`${SELECT} ORDER BY p.created_at, p.metering_point_id`)
    .all({ now: store.now() })
    .map(meteringPointOf);
}

export function findMeteringPoint(store: AccountsStore, meteringPointId: string): MeteringPoint | undefined {
  reconcileRetired(store);
  const row = store.db
    .prepare(`${SELECT} WHERE p.metering_point_id = :id`)
    .get({ id: meteringPointId, now: store.now() });
  return row ? meteringPointOf(row) : undefined;
}

/** The meter ids of every confirmed "meter.retire" action, onboarded here or not (the demo's meters). */
export function retiredMeterIds(store: AccountsStore): Set<string> {
  const rows = store.db
    .prepare(
      "SELECT json_extract(details, '$.meterId') AS meter FROM actions WHERE kind = 'meter.retire' AND state = 'confirmed'",
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
export function insertMeteringPoint(store: AccountsStore, point: NewMeteringPoint): boolean {
  return store.transaction(() => {
    const existing = findMeteringPoint(store, point.meteringPointId);
    if (existing && existing.registration !== "failed") return false;
    if (existing) deleteMeteringPoint(store, point.meteringPointId);
    store.db
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
export function tieRegistration(store: AccountsStore, meteringPointId: string, actionId: string): void {
  store.db
    .prepare("UPDATE metering_points SET action_id = ? WHERE metering_point_id = ?")
    .run(actionId, meteringPointId);
}

/** Forgets a metering point whose action could not even be prepared (the chain refused it). */
export function deleteMeteringPoint(store: AccountsStore, meteringPointId: string): void {
  store.db.prepare("DELETE FROM metering_points WHERE metering_point_id = ?").run(meteringPointId);
}

/**
 * Marks a registered new household's invitation as issued, exactly once: true for the one caller that
 * may issue it (in the same transaction), false when it is not registered, not a new household, or
 * issued already.
 */
export function claimInvitation(store: AccountsStore, meteringPointId: string): boolean {
  const point = findMeteringPoint(store, meteringPointId);
  if (!point || !point.invite || point.registration !== "registered") return false;
  const claimed = store.db
    .prepare("UPDATE metering_points SET invited_at = ? WHERE metering_point_id = ? AND invited_at IS NULL")
    .run(store.now(), meteringPointId);
  return Number(claimed.changes) === 1;
}
