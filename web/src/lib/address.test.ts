import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAddress } from "./address.ts";

const checksummed = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("parseAddress", () => {
  it("accepts 0x and 40 hex digits in any case and checksums them", () => {
    assert.equal(parseAddress(checksummed), checksummed);
    assert.equal(parseAddress(checksummed.toLowerCase()), checksummed);
    assert.equal(parseAddress(`0x${checksummed.slice(2).toUpperCase()}`), checksummed);
  });

  it("rejects anything else", () => {
    for (const bad of [
      "",
      "0x",
      "f39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      `${checksummed}00`,
      checksummed.slice(0, -1),
      `0x${"g".repeat(40)}`,
      ` ${checksummed}`,
    ]) {
      assert.equal(parseAddress(bad), undefined, JSON.stringify(bad));
    }
  });
});
