import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId } from "@nachbarstrom/core";
import type { Hex } from "viem";
import type { IntervalBatch } from "./aggregate.ts";
import { decodeBatch, encodeBatch } from "./batch-codec.ts";
import { BridgeStoreError, OutboxStateError } from "./errors.ts";
import { createOutbox } from "./outbox.ts";
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

function setup() {
  const clock = fakeClock();
  const store = openStore({ file: ":memory:" });
  return { store, clock, outbox: createOutbox(store, clock.now) };
}

describe("outbox", () => {
  test("keeps the batch whole: bigints, readings, closedBy, missing", () => {
    const { store, outbox } = setup();
    const batch = batchOf();
    const { entry, created } = outbox.enqueue(batch);
    assert.equal(created, true);
    assert.deepEqual(entry.batch, batch);
    assert.equal(entry.status, "pending");
    assert.equal(entry.txHash, null);
    assert.deepEqual(decodeBatch(encodeBatch(batch)), batch);
    store.close();
  });

  test("the same batch again changes nothing; another batch for the interval is refused", () => {
    const { store, outbox } = setup();
    const first = outbox.enqueue(batchOf()).entry;
    outbox.recordSigned(first.id, signed(TX));
    const again = outbox.enqueue(batchOf());
    assert.equal(again.created, false);
    assert.equal(again.entry.status, "submitted");
    assert.throws(
      () => outbox.enqueue(batchOf(K, HOOD, `0x${"44".repeat(32)}`)),
      (error) => error instanceof OutboxStateError && /Another batch for testviertel interval/.test(error.shortMessage),
    );
    assert.equal(outbox.enqueue(batchOf(K, OTHER_HOOD)).created, true, "other neighbourhood, same interval");
    store.close();
  });

  test("next() gives the oldest entry that is pending or submitted", () => {
    const { store, outbox } = setup();
    const a = outbox.enqueue(batchOf(K + 1n)).entry;
    const b = outbox.enqueue(batchOf(K)).entry;
    assert.equal(outbox.next()?.id, a.id, "in the order the intervals closed");
    outbox.recordSigned(a.id, signed(TX));
    assert.equal(outbox.next()?.id, a.id, "a submitted entry is still open");
    outbox.complete(a.id, { txHash: TX, alreadySettled: false, commitmentMatches: true });
    assert.equal(outbox.next()?.id, b.id);
    outbox.fail(b.id, "reverted");
    assert.equal(outbox.next(), undefined);
    store.close();
  });

  test("pending → submitted → submitted (next chunk) → confirmed, keeping each signed transaction", () => {
    const { store, outbox, clock } = setup();
    const { id, createdAt } = outbox.enqueue(batchOf()).entry;
    const other = outbox.enqueue(batchOf(K + 1n)).entry;
    clock.advance(5);
    assert.equal(outbox.recordSigned(id, signed(TX, 7)).txHash, TX);
    const resent = outbox.recordSigned(id, signed(TX2, 8));
    assert.equal(resent.txHash, TX2);
    assert.equal(resent.updatedAt, createdAt + 5000);
    assert.deepEqual(outbox.signedOf(id), [signed(TX, 7), signed(TX2, 8)], "in the order signed, raw kept");
    assert.deepEqual(outbox.signedOf(other.id), []);
    assert.throws(() => outbox.recordSigned(other.id, signed(TX, 9)), /could not be written/, "a hash belongs to one");
    assert.equal(outbox.get(HOOD, K + 1n)?.status, "pending", "the refused one left no trace");
    const done = outbox.complete(id, { txHash: TX2, alreadySettled: false, commitmentMatches: true });
    assert.equal(done.status, "confirmed");
    assert.equal(done.commitmentMatches, true);
    store.close();
  });

  test("pending → already-settled with the chain's transaction and whether the commitment matched", () => {
    const { store, outbox } = setup();
    const { id } = outbox.enqueue(batchOf()).entry;
    const done = outbox.complete(id, { txHash: TX, alreadySettled: true, commitmentMatches: false });
    assert.equal(done.status, "already-settled");
    assert.equal(done.txHash, TX);
    assert.equal(done.commitmentMatches, false);
    store.close();
  });

  test("confirmed needs a submitted transaction; finished entries do not change", () => {
    const { store, outbox } = setup();
    const { id } = outbox.enqueue(batchOf()).entry;
    const confirm = () => outbox.complete(id, { txHash: TX, alreadySettled: false, commitmentMatches: true });
    assert.throws(confirm, (error) => {
      assert.ok(error instanceof OutboxStateError);
      assert.equal(error.shortMessage, `The outbox entry of ${HOOD} interval ${K} cannot become confirmed`);
      assert.equal(error.details, "it is pending; confirmed follows only submitted");
      return true;
    });
    outbox.recordSigned(id, signed(TX));
    confirm();
    assert.throws(() => outbox.recordSigned(id, signed(TX2)), OutboxStateError);
    assert.throws(() => outbox.fail(id, "late"), OutboxStateError);
    assert.throws(confirm, OutboxStateError);
    assert.equal(outbox.get(HOOD, K)?.txHash, TX);
    store.close();
  });

  test("failed keeps the reason until retryFailed() puts it back to pending", () => {
    const { store, outbox } = setup();
    const { id } = outbox.enqueue(batchOf()).entry;
    outbox.recordSigned(id, signed(TX));
    assert.equal(outbox.fail(id, "Settlement reverted").error, "Settlement reverted");
    assert.throws(() => outbox.recordSigned(id, signed(TX2)), OutboxStateError);
    assert.equal(outbox.retryFailed(), 1);
    assert.equal(outbox.get(HOOD, K)?.status, "pending");
    assert.equal(outbox.retryFailed(), 0);
    assert.deepEqual(outbox.counts(), { pending: 1, submitted: 0, confirmed: 0, "already-settled": 0, failed: 0 });
    store.close();
  });

  test("an incomplete batch is refused before it can block the outbox", () => {
    const { store, outbox } = setup();
    const { closedBy: _, ...incomplete } = batchOf();
    assert.throws(
      () => outbox.enqueue(incomplete as IntervalBatch),
      (error) =>
        error instanceof BridgeStoreError &&
        error.shortMessage === "Cannot put an incomplete batch into the outbox" &&
        error.details === "closedBy: expected a string, got undefined",
    );
    assert.equal(outbox.next(), undefined);
    store.close();
  });

  test("an unknown id or a damaged row is reported, not guessed", () => {
    const { store, outbox } = setup();
    assert.throws(() => outbox.recordSigned(42, signed(TX)), /Outbox entry 42 does not exist/);
    outbox.enqueue(batchOf());
    store.db.prepare("UPDATE outbox SET batch = '{\"neighbourhood\": 5}'").run();
    assert.throws(() => outbox.next(), BridgeStoreError);
    assert.throws(() => store.db.prepare("UPDATE outbox SET status = 'lost'").run(), /CHECK constraint/);
    store.close();
  });
});
