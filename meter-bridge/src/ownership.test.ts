/** Leases of neighbourhoods between bridge processes, on the dialect the suite runs on. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore, type StoreDatabase } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { BridgeStoreError } from "./errors.ts";
import { createOwnership, neighbourhoodLease, OUTBOX_LEASE, OWNERSHIP_SQL, type OwnershipTables } from "./ownership.ts";

const HOODS = ["hood-a", "hood-b", "hood-c", "hood-d", "hood-e"].map(neighbourhoodLease);
const LEASE = 10_000;

async function open(location: string): Promise<StoreDatabase<OwnershipTables>> {
  return openStore<OwnershipTables>({
    location,
    kind: {
      name: "the test bridge database",
      writer: "bridge",
      schema: "bridge",
      error: (m, o) => new BridgeStoreError(m, o),
    },
    migrations: [{ version: 1, description: "ownership", sql: OWNERSHIP_SQL }],
  });
}

test(`${testDialect}: two processes share the neighbourhoods, each held by exactly one`, async () => {
  const location = await testStoreLocation("bridge");
  const [one, two] = [await open(location), await open(location)];
  let clock = 1_000_000;
  const a = createOwnership({ db: one.db, instance: "a", leaseMs: LEASE, now: () => clock });
  const b = createOwnership({ db: two.db, instance: "b", leaseMs: LEASE, now: () => clock });

  // Alone, a takes everything; once b shows up, a lets its share above half go and b takes it.
  assert.equal((await a.refresh(HOODS)).owned.size, 5);
  assert.equal((await b.refresh(HOODS)).owned.size, 0);
  const afterA = await a.refresh(HOODS);
  assert.equal(afterA.owned.size, 3);
  assert.deepEqual(afterA.lost.sort(), ["neighbourhood:hood-d", "neighbourhood:hood-e"]);
  const afterB = await b.refresh(HOODS);
  assert.deepEqual([...afterB.owned].sort(), ["neighbourhood:hood-d", "neighbourhood:hood-e"]);
  for (const hood of HOODS) assert.notEqual(a.owns(hood), b.owns(hood), hood);

  // a dies (no more refreshes): after its lease b takes its neighbourhoods and sees it dead.
  clock += 3_000;
  assert.equal((await b.refresh(HOODS)).owned.size, 2, "a's leases still run");
  clock += LEASE;
  const takeOver = await b.refresh(HOODS);
  assert.equal(takeOver.owned.size, 5);
  assert.deepEqual(takeOver.dead, ["a"]);
  assert.deepEqual(takeOver.gained.sort(), ["neighbourhood:hood-a", "neighbourhood:hood-b", "neighbourhood:hood-c"]);
  await b.forget("a");
  assert.deepEqual((await b.refresh(HOODS)).dead, []);
  await Promise.all([one.close(), two.close()]);
});

test(`${testDialect}: a process paused past its lease cannot do the work of a lease it lost`, async () => {
  const location = await testStoreLocation("bridge");
  const [one, two] = [await open(location), await open(location)];
  let clock = 5_000_000;
  const a = createOwnership({ db: one.db, instance: "a", leaseMs: LEASE, now: () => clock });
  const b = createOwnership({ db: two.db, instance: "b", leaseMs: LEASE, now: () => clock });
  await a.refresh([OUTBOX_LEASE]);
  await one.transaction((trx) => a.assertOwner(trx, OUTBOX_LEASE));

  clock += LEASE + 1; // a hangs; b takes over
  assert.deepEqual([...(await b.refresh([OUTBOX_LEASE])).owned], [OUTBOX_LEASE]);
  assert.equal(a.owns(OUTBOX_LEASE), true, "a has not noticed yet");
  await assert.rejects(
    one.transaction((trx) => a.assertOwner(trx, OUTBOX_LEASE)),
    (error: unknown) => error instanceof BridgeStoreError && /no longer holds the lease outbox/.test(error.message),
  );
  assert.equal(a.owns(OUTBOX_LEASE), false);
  await two.transaction((trx) => b.assertOwner(trx, OUTBOX_LEASE));
  await Promise.all([one.close(), two.close()]);
});

test(`${testDialect}: a clean stop releases every lease at once`, async () => {
  const location = await testStoreLocation("bridge");
  const [one, two] = [await open(location), await open(location)];
  const clock = 9_000_000;
  const a = createOwnership({ db: one.db, instance: "a", leaseMs: LEASE, now: () => clock });
  const b = createOwnership({ db: two.db, instance: "b", leaseMs: LEASE, now: () => clock });
  await a.refresh(HOODS);
  await a.release();
  assert.equal((await b.refresh(HOODS)).owned.size, 5);
  await Promise.all([one.close(), two.close()]);
});
