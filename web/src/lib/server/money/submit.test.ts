import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import type { ChainContext } from "../chain.ts";
import { testStore } from "../auth/test-store.test-helper.ts";
import { MAX_PENDING, submitRequest } from "./submit.ts";

const HOUSEHOLD = "0x00000000000000000000000000000000000000A1" as Address;

/** A chain whose CreditToken.balanceOf answers `balance` for everyone. */
function chainWithBalance(balance: bigint): ChainContext {
  return {
    client: {
      readContract: async ({ functionName }: { functionName: string }) => {
        assert.equal(functionName, "balanceOf");
        return balance;
      },
    },
    deployment: { contracts: { creditToken: "0x00000000000000000000000000000000000000Ff" } },
  } as unknown as ChainContext;
}

async function store() {
  const s = await testStore();
  await s
    .prepare("INSERT INTO accounts (address, custody, encrypted_key, created_at) VALUES (?, 'external', NULL, 0)")
    .run(HOUSEHOLD);
  return s;
}

describe("submitRequest", () => {
  it("refuses a pay-out above the balance less pending pay-outs, naming what is available", async () => {
    const s = await store();
    const chain = chainWithBalance(30_000_000n);
    const first = await submitRequest(s, chain, {
      account: HOUSEHOLD,
      userId: 1,
      kind: "pay-out",
      amount: 20_000_000n,
    });
    assert.ok(first.ok);
    assert.deepEqual(
      await submitRequest(s, chain, { account: HOUSEHOLD, userId: 1, kind: "pay-out", amount: 10_000_001n }),
      { ok: false, problem: "money.error.above-balance", field: "pay-out-amount", params: { available: "10000000" } },
    );
    const rest = await submitRequest(s, chain, { account: HOUSEHOLD, userId: 1, kind: "pay-out", amount: 10_000_000n });
    assert.ok(rest.ok, "exactly the rest is allowed");
  });

  it("takes a top-up whatever the balance, up to MAX_PENDING waiting requests", async () => {
    const s = await store();
    const chain = chainWithBalance(0n);
    for (let i = 0; i < MAX_PENDING; i++) {
      const result = await submitRequest(s, chain, {
        account: HOUSEHOLD,
        userId: 1,
        kind: "top-up",
        amount: 1_000_000n,
      });
      assert.ok(result.ok);
    }
    assert.deepEqual(
      await submitRequest(s, chain, { account: HOUSEHOLD, userId: 1, kind: "top-up", amount: 1_000_000n }),
      { ok: false, problem: "money.error.too-many", params: { limit: String(MAX_PENDING) } },
    );
  });
});
