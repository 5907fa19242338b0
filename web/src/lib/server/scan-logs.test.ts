import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scanBackward, type BlockRange } from "./scan-logs.ts";

/** A fake chain with one log per block, and a record of the ranges asked for. */
function fakeChain() {
  const asked: [bigint, bigint][] = [];
  const fetchRange = async ({ fromBlock, toBlock }: BlockRange) => {
    asked.push([fromBlock, toBlock]);
    const blocks: bigint[] = [];
    for (let b = toBlock; b >= fromBlock; b--) blocks.push(b);
    return blocks;
  };
  return { asked, fetchRange };
}

describe("scanBackward", () => {
  it("reads the whole range in chunks from the newest block back", async () => {
    const { asked, fetchRange } = fakeChain();
    const found = await scanBackward({ fromBlock: 3n, toBlock: 12n, chunkSize: 4n, fetchRange });
    assert.deepEqual(asked, [
      [9n, 12n],
      [5n, 8n],
      [3n, 4n],
    ]);
    assert.equal(found.length, 10);
  });

  it("stops once enough is found", async () => {
    const { asked, fetchRange } = fakeChain();
    const found = await scanBackward({
      fromBlock: 0n,
      toBlock: 99n,
      chunkSize: 10n,
      fetchRange,
      enough: (f) => f.length >= 15,
    });
    assert.equal(asked.length, 2);
    assert.equal(found[0], 99n);
  });

  it("asks nothing for an empty range and refuses a chunk size below 1", async () => {
    const { asked, fetchRange } = fakeChain();
    assert.deepEqual(await scanBackward({ fromBlock: 5n, toBlock: 4n, fetchRange }), []);
    assert.equal(asked.length, 0);
    await assert.rejects(scanBackward({ fromBlock: 0n, toBlock: 1n, chunkSize: 0n, fetchRange }), RangeError);
  });
});
