/** A bridge process among several: leases refreshed, the aggregator told, a dead process adopted once. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "@nachbarstrom/core/database";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { createCluster } from "./cluster.ts";
import { BridgeStoreError } from "./errors.ts";
import { createOwnership, OWNERSHIP_SQL, type OwnershipTables } from "./ownership.ts";

const LEASE = 9_000;
const HOODS = ["north", "south", "east", "west"];

test(`${testDialect}: a survivor takes over a dead process's neighbourhoods, inbox and session, once`, async () => {
  const location = await testStoreLocation("bridge");
  const open = () =>
    openStore<OwnershipTables>({
      location,
      kind: {
        name: "the test bridge database",
        writer: "bridge",
        schema: "bridge",
        error: (m, o) => new BridgeStoreError(m, o),
      },
      migrations: [{ version: 1, description: "ownership", sql: OWNERSHIP_SQL }],
    });
  const [one, two] = [await open(), await open()];
  let clock = 50_000_000;
  const seen: Record<string, { held: string[][]; adopted: string[] }> = {
    a: { held: [], adopted: [] },
    b: { held: [], adopted: [] },
  };
  const cluster = (instance: "a" | "b", db: typeof one.db) =>
    createCluster({
      ownership: createOwnership({ db, instance, leaseMs: LEASE, now: () => clock }),
      leaseMs: LEASE,
      neighbourhoods: () => HOODS,
      onNeighbourhoods: async (owned) => void seen[instance].held.push([...owned].sort()),
      adoptInbox: async (dead) => void seen[instance].adopted.push(`inbox of ${dead}`),
      adoptSession: async (dead) => void seen[instance].adopted.push(`session of ${dead}`),
      log: () => {},
    });
  const a = cluster("a", one.db);
  const b = cluster("b", two.db);

  await a.refresh();
  await b.refresh();
  await a.refresh(); // a lets its share above half go
  await b.refresh();
  const both = [...a.neighbourhoods(), ...b.neighbourhoods()].sort();
  assert.deepEqual(both, [...HOODS].sort(), "every neighbourhood held by exactly one");
  // Five leases (four neighbourhoods and the outbox) between two: three and two.
  assert.equal(a.neighbourhoods().length + Number(a.ownsOutbox()), 3);
  assert.equal(a.ownsOutbox() !== b.ownsOutbox(), true, "one sender of the outbox");

  clock += LEASE + 1; // a died without a word
  await b.refresh();
  assert.deepEqual(b.neighbourhoods().sort(), [...HOODS].sort());
  assert.equal(b.ownsOutbox(), true);
  assert.deepEqual(seen.b.held.at(-1), [...HOODS].sort());
  assert.deepEqual(seen.b.adopted, ["inbox of a", "session of a"]);
  await b.refresh();
  assert.deepEqual(seen.b.adopted, ["inbox of a", "session of a"], "adopted once");
  await b.stop();
  await Promise.all([one.close(), two.close()]);
});
