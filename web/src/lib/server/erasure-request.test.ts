import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { listActions } from "./actions/store.ts";
import { testStore } from "./auth/test-store.test-helper.ts";
import { ERASURE_REQUEST_KIND, erasureRequestOf, requestErasure } from "./erasure-request.ts";

const household = {
  id: 7,
  account: "0x00000000000000000000000000000000000A11CE" as Address,
  custody: "server" as const,
};

describe("a household's erasure request", () => {
  it("is recorded once in the audit log, with the time of the first request", async () => {
    const store = await testStore();
    assert.equal(await erasureRequestOf(store, household.account), undefined);
    const first = await requestErasure(store, household);
    store.advance(60_000);
    assert.equal(await requestErasure(store, household), first, "asking again keeps the first request");
    assert.equal(await erasureRequestOf(store, household.account), first);
    const logged = await listActions(store, { kinds: [ERASURE_REQUEST_KIND], limit: 10 });
    assert.equal(logged.length, 1);
    assert.deepEqual([logged[0].account, logged[0].userId, logged[0].state], [household.account, 7, "done"]);
  });

  it("counts only the account's own request", async () => {
    const store = await testStore();
    await requestErasure(store, { ...household, account: "0x0000000000000000000000000000000000000B0B" as Address });
    assert.equal(await erasureRequestOf(store, household.account), undefined);
  });
});
