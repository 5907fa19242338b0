/**
 * The corpus of bad inputs (issue 5): truncations of every good fixture, bit flips under a CRC,
 * BCC or signature, wrong checksums, seeded random bytes and text, and hand-written semantic faults
 * (units, negative and absurd values, missing OBIS codes, future times, unknown meters). Every one
 * must be rejected with the reason its case expects, and none may reach the "internal error" path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { faultCases } from "./corpus-faults.ts";
import { GOOD, generatedCases } from "./corpus-generated.ts";
import { decodeMessage } from "./index.ts";
import { fixture, input, prng } from "./test-support.ts";

const random = prng(0x5eed);
const pick = (n: number) => Math.floor(random() * n);
const cases = [...generatedCases(random), ...faultCases()];

/** Random edits (replace, delete, insert, duplicate) of a good fixture, for the crash test below. */
function mutate(good: Uint8Array): Uint8Array {
  const copy = Array.from(good);
  for (let k = 1 + pick(4); k > 0; k--) {
    const at = pick(copy.length + 1);
    const op = pick(4);
    if (op === 0) copy[at] = pick(256);
    else if (op === 1) copy.splice(at, 1 + pick(8));
    else if (op === 2) copy.splice(at, 0, ...Array.from({ length: 1 + pick(8) }, () => pick(256)));
    else copy.splice(at, 0, ...copy.slice(pick(copy.length), pick(copy.length)));
  }
  return new Uint8Array(copy);
}

describe("corpus of bad inputs", () => {
  test(`holds at least 200 inputs across all formats (it holds ${cases.length})`, () => {
    assert.ok(cases.length >= 200);
    const formats = new Set(cases.map((c) => c.format));
    assert.equal(formats.size, 8);
  });

  const byFormat = Map.groupBy(cases, (c) => c.format);
  for (const [format, list] of byFormat) {
    test(`${format}: ${list.length} bad inputs, each rejected with its expected reason, none crashing`, async () => {
      for (const c of list) {
        const result = await decodeMessage(c.format, c.input);
        assert.equal(result.ok, false, `${format} / ${c.name}: was accepted`);
        const reason = result.ok ? "" : result.reason;
        assert.doesNotMatch(reason, /internal error/, `${format} / ${c.name}: ${reason}`);
        assert.match(reason, c.reason, `${format} / ${c.name}`);
      }
    });
  }

  test("100 random edits of every good fixture never crash a decoder", async () => {
    for (const good of GOOD) {
      const whole = fixture(good.path);
      for (let i = 0; i < 100; i++) {
        const result = await decodeMessage(good.format, input(mutate(whole), good.at, good.topic));
        if (!result.ok) assert.doesNotMatch(result.reason, /internal error/, `${good.path}: ${result.reason}`);
      }
    }
  });
});
