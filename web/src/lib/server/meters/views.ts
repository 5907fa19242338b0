import { sql } from "@nachbarstrom/core/database";
import type { MeterDirectory } from "@nachbarstrom/core/deployment";
import type { Address, Hex } from "viem";
import type { TariffRow } from "../console/tariffs.ts";
import { allRows, type ReadModelDb } from "../read-model/store.ts";
import type { MeteringPoint } from "./metering-points.ts";

/** One neighbourhood of the console's overview: its rules on chain, its meters, its tariff in force. */
export type NeighbourhoodView = {
  id: Hex;
  /** From the bridge's directory; undefined when the directory does not name it. */
  slug: string | undefined;
  /** IMeterRegistry AllocationKey: 0 pro rata to demand, 1 static shares. */
  allocationKey: number;
  tariffNoticeIntervals: number;
  contractNoticeIntervals: number;
  costCap: boolean;
  activeMeters: number;
  retiredMeters: number;
  tariff: TariffRow | undefined;
};

/** The slugs the directory gives neighbourhood ids (lower-case id → slug). */
export function slugsOf(directory: MeterDirectory | undefined): Map<string, string> {
  return new Map((directory?.neighbourhoods ?? []).map((hood) => [hood.id.toLowerCase(), hood.slug]));
}

/** Every neighbourhood of the read model in registration order, with `tariffs` from tariffHistory. */
export async function neighbourhoodViews(
  db: ReadModelDb,
  slugs: ReadonlyMap<string, string>,
  tariffs: readonly TariffRow[],
): Promise<NeighbourhoodView[]> {
  const rows = await allRows(
    db,
    sql`SELECT n.*, (SELECT count(*) FROM meters m WHERE m.neighbourhood = n.neighbourhood AND m.retired_block IS NULL) AS active,
         (SELECT count(*) FROM meters m WHERE m.neighbourhood = n.neighbourhood AND m.retired_block IS NOT NULL) AS retired
       FROM neighbourhoods n ORDER BY n.block_number, n.log_index`,
  );
  return rows.map((row) => {
    const id = String(row.neighbourhood) as Hex;
    return {
      id,
      slug: slugs.get(id.toLowerCase()),
      allocationKey: Number(row.allocation_key),
      tariffNoticeIntervals: Number(row.tariff_notice_intervals),
      contractNoticeIntervals: Number(row.contract_notice_intervals),
      costCap: Number(row.cost_cap) === 1,
      activeMeters: Number(row.active),
      retiredMeters: Number(row.retired),
      tariff: tariffs.find((t) => t.state === "current" && t.neighbourhood.toLowerCase() === id.toLowerCase()),
    };
  });
}

/** One meter of the console's list: registered on chain, or onboarded here and not (yet) registered. */
export type MeterView = {
  number: number | undefined;
  meterId: Hex;
  owner: Address;
  neighbourhood: Hex;
  slug: string | undefined;
  /** "confirmed": registered on chain, not yet in the read model (it follows within a poll). */
  state: "active" | "retired" | "waiting" | "confirmed" | "failed";
  /** When the portal onboarded it (ms); undefined for meters registered otherwise (the demo's). */
  onboardedAt: number | undefined;
  /** The block of its registration on chain. */
  block: number | undefined;
};

/**
 * The meters of the read model in registration order, then the metering points onboarded here that it
 * does not hold yet: waiting (for the confirmation, or for the read model to catch up) or failed. No
 * metering point id: the list names meters pseudonymously.
 */
export async function meterViews(
  db: ReadModelDb,
  slugs: ReadonlyMap<string, string>,
  points: readonly MeteringPoint[],
): Promise<MeterView[]> {
  const onboarded = new Map(points.map((p) => [p.meterId.toLowerCase(), p]));
  const stored = await allRows(db, sql`SELECT * FROM meters ORDER BY block_number, log_index`);
  const registered: MeterView[] = stored.map((row) => {
    const meterId = String(row.meter) as Hex;
    const neighbourhood = String(row.neighbourhood) as Hex;
    return {
      number: Number(row.number),
      meterId,
      owner: String(row.owner) as Address,
      neighbourhood,
      slug: slugs.get(neighbourhood.toLowerCase()),
      state: row.retired_block === null ? "active" : "retired",
      onboardedAt: onboarded.get(meterId.toLowerCase())?.createdAt,
      block: Number(row.block_number),
    };
  });
  const known = new Set(registered.map((m) => m.meterId.toLowerCase()));
  const pending: MeterView[] = points
    .filter((p) => !known.has(p.meterId.toLowerCase()))
    .map((p) => ({
      number: undefined,
      meterId: p.meterId,
      owner: p.owner,
      neighbourhood: p.neighbourhood,
      slug: p.slug,
      state: ({ failed: "failed", waiting: "waiting", registered: "confirmed" } as const)[p.registration],
      onboardedAt: p.createdAt,
      block: undefined,
    }));
  return [...registered, ...pending];
}
