import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { follow } from "./follow.ts";
import type { CatchUpResult, Indexer } from "./indexer.ts";

/** An indexer whose catch-ups finish when the test says so. */
function manualIndexer() {
  const pending: { resolve: (r: CatchUpResult) => void; reject: (e: Error) => void }[] = [];
  const indexer: Indexer = {
    catchUp: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  };
  return { indexer, pending };
}

const done: CatchUpResult = { ranges: 0, events: 0 };

describe("follow", () => {
  it("runs one catch-up at a time and lets page loads join it", async () => {
    const { indexer, pending } = manualIndexer();
    let clock = 0;
    const follower = follow({ indexer, pollMs: 0, now: () => clock });
    const first = follower.fresh(1000);
    const second = follower.fresh(1000);
    assert.equal(pending.length, 1, "the second load joins the catch-up under way");
    pending[0].resolve(done);
    await Promise.all([first, second]);

    clock = 900;
    await follower.fresh(1000);
    assert.equal(pending.length, 1, "fresh enough: no catch-up");

    clock = 1500;
    const third = follower.fresh(1000);
    assert.equal(pending.length, 2, "older than the poll period: a catch-up first");
    pending[1].resolve(done);
    await third;
    await follower.stop();
  });

  it("passes a failed catch-up to the page loads waiting for it, then tries again", async () => {
    const { indexer, pending } = manualIndexer();
    const follower = follow({ indexer, pollMs: 0, now: () => 0 });
    const load = follower.fresh(1000);
    pending[0].reject(new Error("chain down"));
    await assert.rejects(load, /chain down/);
    const again = follower.fresh(1000);
    assert.equal(pending.length, 2);
    pending[1].resolve(done);
    await again;
    await follower.stop();
  });

  it("polls in the background until stopped", async () => {
    let calls = 0;
    const follower = follow({
      indexer: { catchUp: async () => (calls++, done) },
      pollMs: 5,
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await follower.stop();
    const after = calls;
    assert.ok(after >= 3, `polled ${after} times`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(calls, after, "no poll after stop");
  });
});
