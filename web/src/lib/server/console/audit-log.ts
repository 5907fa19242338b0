import { listActions, type ActionRecord } from "../actions/store.ts";
import type { AccountsStore } from "../auth/store.ts";
import { ConsoleParameterError } from "./params.ts";

/** Rows per page of the audit log. */
export const AUDIT_PAGE_SIZE = 25;

/**
 * The audit log's areas and the action kinds (prefixes) each one covers; the kinds are those the
 * features record ("tariff.announce", "credit.top-up", "meter.correct", "invitation.issue", …).
 */
export const AUDIT_AREAS = {
  tariffs: ["tariff."],
  credit: ["credit.", "debt."],
  contracts: ["power-contract."],
  corrections: ["meter.correct"],
  meters: ["neighbourhood.", "meter.register", "meter.retire", "meter.replace", "meter.preferences", "meter.share"],
  invitations: ["invitation."],
  erasure: ["household.erase"],
} as const satisfies Record<string, readonly string[]>;

export type AuditArea = keyof typeof AUDIT_AREAS;

/** An area from the query; missing or empty is every area. */
export function parseArea(value: string | null): AuditArea | undefined {
  if (value === null || value === "") return undefined;
  if (!Object.hasOwn(AUDIT_AREAS, value)) {
    throw new ConsoleParameterError("area", value, `one of ${Object.keys(AUDIT_AREAS).join(", ")}`);
  }
  return value as AuditArea;
}

/** An audit log row as the page shows it: no calldata, no challenge. */
export type AuditRow = Pick<
  ActionRecord,
  "id" | "seq" | "account" | "kind" | "details" | "via" | "state" | "txHash" | "error" | "createdAt"
>;

export type AuditPage = { rows: AuditRow[]; page: number; hasNext: boolean };

/**
 * One page of the audit log, newest first, of one area or all. Paged by the actions' sequence number:
 * the rows of the earlier pages are read to find where the page starts (a log of a few thousand
 * actions a year reads in milliseconds), then listActions reads the page from there.
 */
export async function auditPage(
  store: AccountsStore,
  { area, page }: { area?: AuditArea; page: number },
): Promise<AuditPage> {
  const kinds = area ? AUDIT_AREAS[area] : undefined;
  let before: number | undefined;
  if (page > 1) {
    const skipped = await listActions(store, { kinds, limit: (page - 1) * AUDIT_PAGE_SIZE });
    if (skipped.length < (page - 1) * AUDIT_PAGE_SIZE) return { rows: [], page, hasNext: false };
    before = skipped[skipped.length - 1].seq;
  }
  const rows = await listActions(store, { kinds, limit: AUDIT_PAGE_SIZE + 1, before });
  return {
    rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
      id: r.id,
      seq: r.seq,
      account: r.account,
      kind: r.kind,
      details: r.details,
      via: r.via,
      state: r.state,
      txHash: r.txHash,
      error: r.error,
      createdAt: r.createdAt,
    })),
    page,
    hasNext: rows.length > AUDIT_PAGE_SIZE,
  };
}
