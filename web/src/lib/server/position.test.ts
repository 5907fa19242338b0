import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accountFigures } from "./position.ts";

describe("accountFigures", () => {
  it("shows a positive position as balance and no debt", () => {
    assert.deepEqual(accountFigures(49_732_370n), { balance: 49_732_370n, debt: 0n });
  });

  it("shows a negative position as debt and a zero balance", () => {
    assert.deepEqual(accountFigures(-1_250_000n), { balance: 0n, debt: 1_250_000n });
  });

  it("shows nothing for a zero position", () => {
    assert.deepEqual(accountFigures(0n), { balance: 0n, debt: 0n });
  });
});
