import { settlementCorrectionsAbi, tariffScheduleAbi } from "@nachbarstrom/core/abi";
import type { Tariff } from "@nachbarstrom/core/tariff";
import type { Hex } from "viem";
import {
  parseKwh,
  previewCorrection,
  REASON_MAX_LENGTH,
  type CorrectionField,
  type CurrentFigures,
} from "../../components/console/correction-preview.ts";
import type { ChainContext, PortalContext } from "../chain.ts";
import type { ActionRequest } from "../actions/endpoint.ts";
import { sql } from "@nachbarstrom/core/database";
import { firstRow, intColumn } from "../read-model/store.ts";
import { settledChunkResults } from "./correction-chunk.ts";

/** What the operator asked for, read from the form's JSON. */
export type CorrectionInput = { number: number; importWh: bigint; exportWh: bigint; reason: string };

/** A field the endpoint refuses, with the message key (audit catalogue) and its placeholders. */
export type CorrectionProblem = {
  field: CorrectionField | "number";
  problem: string;
  params?: Record<string, string>;
};

/** Reads and checks the form's JSON: meter number, import and export in kWh (3 decimals), a reason. */
export function parseCorrectionInput(
  body: Record<string, unknown>,
): { ok: true; input: CorrectionInput } | { ok: false; problem: CorrectionProblem } {
  const number = Number(body.number);
  if (!Number.isInteger(number) || number < 1 || number > 0xffff_ffff) {
    return { ok: false, problem: { field: "number", problem: "correction.error.number" } };
  }
  const importWh = parseKwh(String(body.importKwh ?? ""));
  if (importWh === undefined) return { ok: false, problem: { field: "importKwh", problem: "correction.error.kwh" } };
  const exportWh = parseKwh(String(body.exportKwh ?? ""));
  if (exportWh === undefined) return { ok: false, problem: { field: "exportKwh", problem: "correction.error.kwh" } };
  const reason = typeof body.reason === "string" ? body.reason.trim() : "";
  if (reason === "") return { ok: false, problem: { field: "reason", problem: "correction.error.reasonMissing" } };
  if (reason.length > REASON_MAX_LENGTH) {
    return { ok: false, problem: { field: "reason", problem: "correction.error.reasonLong" } };
  }
  return { ok: true, input: { number, importWh, exportWh, reason } };
}

/** The tariff that priced the interval (TariffSchedule.tariffAt), as core's Tariff. */
export async function tariffOfInterval(
  { deployment, client }: ChainContext,
  neighbourhood: Hex,
  interval: bigint,
): Promise<Tariff> {
  const [tariff] = await client.readContract({
    address: deployment.contracts.tariffSchedule,
    abi: tariffScheduleAbi,
    functionName: "tariffAt",
    args: [neighbourhood, interval],
  });
  return { ...tariff, vatBasisPoints: Number(tariff.vatBasisPoints) };
}

/** The meter's newest correction in the interval from the chain (SettlementCorrections.correctionOf). */
async function latestCorrection(
  { deployment, client }: ChainContext,
  neighbourhood: Hex,
  interval: bigint,
  number: number,
): Promise<CurrentFigures | undefined> {
  const c = await client.readContract({
    address: deployment.contracts.settlementCorrections,
    abi: settlementCorrectionsAbi,
    functionName: "correctionOf",
    args: [neighbourhood, interval, number],
  });
  if (c.count === 0) return undefined;
  return { importWh: BigInt(c.importWh), exportWh: BigInt(c.exportWh), debit: c.debit, credit: c.credit };
}

/**
 * Builds SettlementCorrections.correctMeter for one meter of a settled interval: finds the meter's chunk
 * and position in the read model, the chunk's results as settled, and checks the correction with core's
 * twin, so the form's field errors come before the chain's. The audit log records what it moves.
 */
export async function buildCorrection(
  chain: PortalContext,
  { neighbourhood, interval, input }: { neighbourhood: Hex; interval: bigint; input: CorrectionInput },
): Promise<ActionRequest | CorrectionProblem> {
  const row = await firstRow(
    chain.readModel,
    sql`SELECT chunk, position FROM meter_intervals
        WHERE neighbourhood = ${neighbourhood} AND interval = ${interval} AND number = ${input.number}`,
  );
  if (!row) return { field: "number", problem: "correction.error.number" };
  const chunk = Number(intColumn(row, "chunk"));
  const position = Number(intColumn(row, "position"));
  const { results, decoded } = await settledChunkResults(chain, neighbourhood, interval, chunk);
  const original = decoded[position];
  if (original?.number !== input.number) return { field: "number", problem: "correction.error.number" };
  const [tariff, latest] = await Promise.all([
    tariffOfInterval(chain, neighbourhood, interval),
    latestCorrection(chain, neighbourhood, interval, input.number),
  ]);
  const preview = previewCorrection({ original, latest, tariff, importWh: input.importWh, exportWh: input.exportWh });
  if (!preview.ok) {
    const traded = preview.tradedWh?.toString() ?? "";
    return { field: preview.field, problem: preview.problem, params: { traded } };
  }
  return {
    kind: "meter.correct",
    details: {
      neighbourhood,
      interval,
      number: input.number,
      importWh: input.importWh,
      exportWh: input.exportWh,
      debit: preview.debit,
      credit: preview.credit,
      change: preview.change,
      reason: input.reason,
    },
    call: {
      contract: "settlementCorrections",
      abi: settlementCorrectionsAbi,
      functionName: "correctMeter",
      args: [
        neighbourhood,
        interval,
        chunk,
        results,
        BigInt(position),
        Number(input.importWh),
        Number(input.exportWh),
        input.reason,
      ],
    },
  };
}
