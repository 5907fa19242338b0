import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId } from "@nachbarstrom/core";
import type { Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { decodeBatch, encodeBatch } from "./batch-codec.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import { createOutbox } from "./outbox.ts";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { openStore } from "./store.ts";
import { HOOD, K, METER_ID, MP, OTHER_HOOD, T0, fakeClock, reading } from "./test-fixtures.ts";

const TX = `0x${"11".repeat(32)}` as Hex;
const TX2 = `0x${"22".repeat(32)}` as Hex;
/** A signed transaction as the chain client hands it over; the raw bytes are only kept, not read. */
const signed = (hash: Hex, nonce = 7) => ({ hash, raw: `0x02${hash.slice(2, 10)}` as Hex, nonce });

function batchOf(interval = K, neighbourhood = HOOD, commitment: Hex = `0x${"33".repeat(32)}`): IntervalBatch {
  return {
    neighbourhood,
    neighbourhoodId: neighbourhoodId(neighbourhood),
    interval,
    commitment,
    meters: [{ meter: METER_ID[MP.b], importWh: 30n, exportWh: 2n ** 60n }],
    readings: [reading(MP.b, T0 + 20, 500), reading(MP.b, T0 + 880, 530)],
    closedBy: "grace",
    missing: [MP.a],
  };
}

async function setup() {
  const clock = fakeClock();
  const store = await openStore({ location: await testStoreLocation("bridge") });
  return { store, clock, outbox: createOutbox(store, clock.now) };
}

describe(`outbox (${testDialect})`, () => {
  test("keeps the batch whole: bigints, readings, closedBy, missing", async () => {
    const { store, outbox } = await setup();
    const batch = batchOf();
    const { entry, created } = await outbox.enqueue(batch);
    assert.equal(created, true);
    assert.deepEqual(entry.batch, batch);
    assert.equal(entry.status, "pending");
    assert.equal(entry.txHash, null);
    assert.deepEqual(decodeBatch(encodeBatch(batch)), batch);
    await store.close();
  });

  test("the same batch again changes nothing; another batch for the interval is refused", async () => {
    const { store, outbox } = await setup();
    const first = (await outbox.enqueue(batchOf())).entry;
    await outbox.recordSigned(first.id, signed(TX));
    const again = await outbox.enqueue(batchOf());
    assert.equal(again.created, false);
    assert.equal(again.entry.status, "submitted");
    await assert.rejects(
      outbox.enqueue(batchOf(K, HOOD, `0x${"44".repeat(32)}`)),
      (error) => error instanceof OutboxStateError && /Another batch for testviertel interval/.test(error.shortMessage),
    );
    assert.equal((await outbox.enqueue(batchOf(K, OTHER_HOOD))).created, true, "other neighbourhood, same interval");
    await store.close();
  });

  test("next() gives the oldest entry that is pending or submitted", async () => {
    const { store, outbox } = await setup();
    const a = (await outbox.enqueue(batchOf(K + 1n))).entry;
    const b = (await outbox.enqueue(batchOf(K))).entry;
    assert.equal((await outbox.next())?.id, a.id, "in the order the intervals closed");
    await outbox.recordSigned(a.id, signed(TX));
    assert.equal((await outbox.next())?.id, a.id, "a submitted entry is still open");
    await outbox.complete(a.id, { txHash: TX, alreadySettled: false, commitmentMatches: true });
    assert.equal((await outbox.next())?.id, b.id);
    await outbox.fail(b.id, "reverted");
    assert.equal(await outbox.next(), undefined);
    await store.close();
  });

  test("pending → submitted → submitted (next chunk) → confirmed, keeping each signed transaction", async () => {
    const { store, outbox, clock } = await setup();
    const { id, createdAt } = (await outbox.enqueue(batchOf())).entry;
    const other = (await outbox.enqueue(batchOf(K + 1n))).entry;
    clock.advance(5);
    assert.equal((await outbox.recordSigned(id, signed(TX, 7))).txHash, TX);
    const resent = await outbox.recordSigned(id, signed(TX2, 8));
    assert.equal(resent.txHash, TX2);
    assert.equal(resent.updatedAt, createdAt + 5000);
    assert.deepEqual(await outbox.signedOf(id), [signed(TX, 7), signed(TX2, 8)], "in the order signed, raw kept");
    assert.deepEqual(await outbox.signedOf(other.id), []);
    await assert.rejects(outbox.recordSigned(other.id, signed(TX, 9)), /could not be written/, "a hash belongs to one");
    assert.equal((await outbox.get(HOOD, K + 1n))?.status, "pending", "the refused one left no trace");
    const done = await outbox.complete(id, { txHash: TX2, alreadySettled: false, commitmentMatches: true });
    assert.equal(done.status, "confirmed");
    assert.equal(done.commitmentMatches, true);
    await store.close();
  });

  test("pending → already-settled with the chain's transaction and whether the commitment matched", async () => {
    const { store, outbox } = await setup();
    const { id } = (await outbox.enqueue(batchOf())).entry;
    const done = await outbox.complete(id, { txHash: TX, alreadySettled: true, commitmentMatches: false });
    assert.equal(done.status, "already-settled");
    assert.equal(done.txHash, TX);
    assert.equal(done.commitmentMatches, false);
    await store.close();
  });

  test("confirmed needs a submitted transaction; finished entries do not change", async () => {
    const { store, outbox } = await setup();
    const { id } = (await outbox.enqueue(batchOf())).entry;
    const confirm = () => outbox.complete(id, { txHash: TX, alreadySettled: false, commitmentMatches: true });
    await assert.rejects(confirm(), (error) => {
      assert.ok(error instanceof OutboxStateError);
      assert.equal(error.shortMessage, `The outbox entry of ${HOOD} interval ${K} cannot become confirmed`);
      assert.equal(error.details, "it is pending; confirmed follows only submitted");
      return true;
    });
    await outbox.recordSigned(id, signed(TX));
    await confirm();
    await assert.rejects(outbox.recordSigned(id, signed(TX2)), OutboxStateError);
    await assert.rejects(outbox.fail(id, "late"), OutboxStateError);
    await assert.rejects(confirm(), OutboxStateError);
    assert.equal((await outbox.get(HOOD, K))?.txHash, TX);
    await store.close();
  });

  test("failed keeps the reason until retryFailed() puts it back to pending", async () => {
    const { store, outbox } = await setup();
    const { id } = (await outbox.enqueue(batchOf())).entry;
    await outbox.recordSigned(id, signed(TX));
    assert.equal((await outbox.fail(id, "Settlement reverted")).error, "Settlement reverted");
    await assert.rejects(outbox.recordSigned(id, signed(TX2)), OutboxStateError);
    assert.equal(await outbox.retryFailed(), 1);
    assert.equal((await outbox.get(HOOD, K))?.status, "pending");
    assert.equal(await outbox.retryFailed(), 0);
    assert.deepEqual(await outbox.counts(), {
      pending: 1,
      submitted: 0,
      confirmed: 0,
      "already-settled": 0,
      failed: 0,
    });
    await store.close();
  });

  test("an incomplete batch is refused before it can block the outbox", async () => {
    const { store, outbox } = await setup();
    const { closedBy: _, ...incomplete } = batchOf();
    await assert.rejects(
      outbox.enqueue(incomplete as IntervalBatch),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "Cannot put an incomplete batch into the outbox" &&
        error.details === "closedBy: expected a string, got undefined",
    );
    assert.equal(await outbox.next(), undefined);
    await store.close();
  });

  test("an unknown id or a damaged row is reported, not guessed", async () => {
    const { store, outbox } = await setup();
    await assert.rejects(outbox.recordSigned(42, signed(TX)), /Outbox entry 42 does not exist/);
    await outbox.enqueue(batchOf());
    await store.db.updateTable("outbox").set({ batch: '{"neighbourhood": 5}' }).execute();
    await assert.rejects(outbox.next(), BridgeStoreError);
    await assert.rejects(
      store.db.updateTable("outbox").set({ status: "lost" }).execute(),
      /CHECK constraint failed|violates check constraint/,
    );
    await store.close();
  });
});
