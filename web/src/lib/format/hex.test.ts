import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shortenHex } from "./hex.ts";

describe("shortenHex", () => {
  it("keeps the head and the tail of long values", () => {
    assert.equal(shortenHex(`0x${"ab".repeat(32)}`), "0xabab…abab");
  });

  it("leaves short values alone", () => {
    assert.equal(shortenHex("0x1234abcd"), "0x1234abcd");
  });
});
