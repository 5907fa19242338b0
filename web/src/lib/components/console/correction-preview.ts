import { correctMeter } from "@nachbarstrom/core/correction";
import type { ChunkResult } from "@nachbarstrom/core/packed";
import type { Tariff } from "@nachbarstrom/core/tariff";

/**
 * What a meter-interval correction would do, computed with core's twin of SettlementCorrections. Lives
 * outside `server/` because the form shows it in the browser before anything is sent; the prepare
 * endpoint computes the same figures again for the audit log.
 */

/** The longest reason the console accepts (characters): a reason is public and permanent, keep it short. */
export const REASON_MAX_LENGTH = 200;

/** The largest energy a meter-interval can carry (the contract's uint32 Wh). */
const UINT32_MAX = 0xffff_ffffn;

/** The form fields of a correction. */
export type CorrectionField = "importKwh" | "exportKwh" | "reason";

/** "1,234" or "1.234" (kWh, at most 3 decimals) → 1234n Wh; undefined unless such a number within uint32 Wh. */
export function parseKwh(text: string): bigint | undefined {
  const match = /^(\d{1,7})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return undefined;
  const wh = BigInt(match[1]) * 1000n + BigInt((match[2] ?? "").padEnd(3, "0"));
  return wh <= UINT32_MAX ? wh : undefined;
}

/** The meter's figures as they stand now: the newest correction's, or the original's. */
export type CurrentFigures = { importWh: bigint; exportWh: bigint; debit: bigint; credit: bigint };

export type PreviewParameters = {
  /** The meter's result as first settled (ChunkSettled). */
  original: ChunkResult;
  /** The newest correction of the meter in this interval, if any. */
  latest?: CurrentFigures;
  tariff: Tariff;
  importWh: bigint;
  exportWh: bigint;
};

export type CorrectionPreview =
  | {
      ok: true;
      debit: bigint;
      credit: bigint;
      /** Moved from the treasury to the owner (negative: from the owner to the treasury). */
      change: bigint;
    }
  | {
      ok: false;
      field: CorrectionField;
      /** A message key of the audit catalogue. */
      problem: "correction.error.belowLocal" | "correction.error.unchanged";
      /** For belowLocal: the energy the meter traded locally (Wh). */
      tradedWh?: bigint;
    };

/**
 * The new debit and credit of the meter-interval and the money the correction moves, or why the
 * contract would refuse it: below the locally traded energy (CorrectionBelowLocalEnergy) or the
 * figures as they stand (CorrectionUnchanged).
 */
export function previewCorrection({
  original,
  latest,
  tariff,
  importWh,
  exportWh,
}: PreviewParameters): CorrectionPreview {
  const boughtLocally = original.contractBoughtWh + original.poolBoughtWh;
  const soldLocally = original.contractSoldWh + original.poolSoldWh;
  if (importWh < boughtLocally) {
    return { ok: false, field: "importKwh", problem: "correction.error.belowLocal", tradedWh: boughtLocally };
  }
  if (exportWh < soldLocally) {
    return { ok: false, field: "exportKwh", problem: "correction.error.belowLocal", tradedWh: soldLocally };
  }
  const before = latest ?? original;
  if (importWh === before.importWh && exportWh === before.exportWh) {
    return { ok: false, field: "importKwh", problem: "correction.error.unchanged" };
  }
  const { debit, credit } = correctMeter({ original, tariff, importWh, exportWh });
  return { ok: true, debit, credit, change: credit - debit - (before.credit - before.debit) };
}
