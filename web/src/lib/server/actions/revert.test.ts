import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, type Abi } from "viem";
import { ALL_ERRORS_ABI, revertReasonOf } from "./revert.ts";

/** A revert as viem reports a failed simulation: the raw data inside a ContractFunctionRevertedError. */
function reverted(data: `0x${string}`) {
  const cause = new ContractFunctionRevertedError({ abi: [] as Abi, data, functionName: "offer" });
  return new ContractFunctionExecutionError(cause, { abi: [] as Abi, functionName: "offer" });
}

describe("revertReasonOf", () => {
  it("names a custom error of any contract with its arguments", () => {
    const data = encodeErrorResult({
      abi: ALL_ERRORS_ABI,
      errorName: "PowerContractTermsInvalid",
      args: [0, 10n, 5n],
    });
    assert.deepEqual(revertReasonOf(reverted(data)), { error: "PowerContractTermsInvalid", args: ["0", "10", "5"] });
  });

  it("keeps the raw data of an error no contract declares", () => {
    assert.deepEqual(revertReasonOf(reverted("0xdeadbeef")), { error: "unknown", args: ["0xdeadbeef"] });
  });

  it("is undefined for a failure that is not a revert", () => {
    assert.equal(revertReasonOf(new Error("fetch failed")), undefined);
  });

  it("lists each error signature once although several contracts declare it", () => {
    const names = ALL_ERRORS_ABI.map((item) => (item.type === "error" ? `${item.name}/${item.inputs.length}` : ""));
    assert.equal(new Set(names).size, names.length);
  });
});
