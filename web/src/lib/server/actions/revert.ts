import {
  costCapAbi,
  creditTokenAbi,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  powerContractsAbi,
  settlementCorrectionsAbi,
  tariffScheduleAbi,
} from "@nachbarstrom/core/abi";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";

/** Every custom error of every contract, once: a call may revert with an error of a contract it calls. */
export const ALL_ERRORS_ABI: Abi = (() => {
  const seen = new Set<string>();
  return [
    meterRegistryAbi,
    creditTokenAbi,
    tariffScheduleAbi,
    powerContractsAbi,
    neighbourhoodSettlementAbi,
    settlementCorrectionsAbi,
    costCapAbi,
  ]
    .flat()
    .filter((item) => {
      if (item.type !== "error") return false;
      const key = `${item.name}(${item.inputs.map((input) => input.type).join(",")})`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }) as Abi;
})();

/** A revert the chain gave: the custom error's name and its arguments as strings. */
export type RevertReason = { error: string; args: string[] };

/**
 * The custom error a failed call or simulation reverted with, decoded against every contract's
 * errors; undefined when the failure was not a revert (the chain did not answer, for example).
 */
export function revertReasonOf(cause: unknown): RevertReason | undefined {
  if (!(cause instanceof BaseError)) return undefined;
  const reverted = cause.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  if (!reverted) return undefined;
  const raw: Hex | undefined = reverted.raw;
  if (raw && raw !== "0x") {
    try {
      const { errorName, args } = decodeErrorResult({ abi: ALL_ERRORS_ABI, data: raw });
      return { error: errorName, args: (args ?? []).map((arg) => String(arg)) };
    } catch {
      return { error: "unknown", args: [raw] };
    }
  }
  return { error: reverted.reason ?? "unknown", args: [] };
}
