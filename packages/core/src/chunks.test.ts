import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CHUNK_GAS, MAX_CHUNK, chunkGas, planChunks } from "./chunks.ts";
import { NachbarstromError } from "./errors.ts";

const numbered = (...numbers: number[]) => numbers.map((number) => ({ number }));
const numbers = (chunks: { number: number }[][]) => chunks.map((chunk) => chunk.map((m) => m.number));
/** Three meters fit a chunk; a contract costs as much as a meter. */
const SMALL = { base: 0, perMeter: 1, perContract: 1, budget: 3 };

describe("planChunks", () => {
  it("fills chunks in ascending numbers up to the gas budget", () => {
    const chunks = planChunks(numbered(5, 1, 4, 2, 3, 6, 7), [], SMALL);
    assert.deepEqual(numbers(chunks), [[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("keeps meters joined by contracts, also through a third meter, in one chunk", () => {
    const chunks = planChunks(
      numbered(1, 2, 3, 4, 5, 6),
      [
        { seller: 1, buyer: 6 },
        { seller: 6, buyer: 2 },
      ],
      { ...SMALL, budget: 5 },
    );
    // {1, 2, 6} with 2 contracts costs 5: a chunk of its own; then 3, 4, 5.
    assert.deepEqual(numbers(chunks), [
      [1, 2, 6],
      [3, 4, 5],
    ]);
  });

  it("ignores contracts whose other meter did not report", () => {
    const chunks = planChunks(numbered(1, 2, 3, 4), [{ seller: 1, buyer: 9 }], SMALL);
    assert.deepEqual(numbers(chunks), [[1, 2, 3], [4]]);
  });

  it("refuses a group of contract-joined meters larger than one chunk, naming its meters", () => {
    assert.throws(
      () =>
        planChunks(
          numbered(1, 2, 3),
          [
            { seller: 1, buyer: 2 },
            { seller: 2, buyer: 3 },
          ],
          SMALL,
        ),
      (error: unknown) =>
        error instanceof NachbarstromError && /3 meters joined by 2 power contracts/.test(error.message),
    );
  });

  it("refuses a meter number twice", () => {
    assert.throws(() => planChunks(numbered(1, 2, 1), []), /meter number 1 appears twice/);
  });

  it("fills every chunk of 10,000 meters as far as the chain's gas budget allows", () => {
    const chunks = planChunks(numbered(...Array.from({ length: 10_000 }, (_, i) => i + 1)), []);
    const perChunk = Math.floor((CHUNK_GAS.budget - CHUNK_GAS.base) / CHUNK_GAS.perMeter);
    assert.equal(chunks.length, Math.ceil(10_000 / perChunk));
    assert.deepEqual(
      chunks.map((c) => c.length),
      [...Array(chunks.length - 1).fill(perChunk), 10_000 - perChunk * (chunks.length - 1)],
    );
    for (const chunk of chunks) assert.ok(chunkGas(chunk.length, 0) <= CHUNK_GAS.budget);
  });

  it("never puts more meters into a chunk than the contract takes, however large the budget", () => {
    const chunks = planChunks(numbered(...Array.from({ length: 12_000 }, (_, i) => i + 1)), [], {
      base: 0,
      perMeter: 1,
      perContract: 0,
      budget: Number.MAX_SAFE_INTEGER,
    });
    assert.deepEqual(
      chunks.map((c) => c.length),
      [MAX_CHUNK, MAX_CHUNK, 12_000 - 2 * MAX_CHUNK],
    );
  });

  it("estimates gas from meters and contracts", () => {
    assert.equal(chunkGas(10, 2, { base: 100, perMeter: 5, perContract: 7, budget: 0 }), 100 + 50 + 14);
  });
});
