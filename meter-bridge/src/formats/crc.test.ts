import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crc16Arc, crc16X25, hex16 } from "./crc.ts";

describe("CRC-16", () => {
  test("the catalogue's check values over 123456789", () => {
    const check = new TextEncoder().encode("123456789");
    assert.equal(hex16(crc16Arc(check)), "0xBB3D");
    assert.equal(hex16(crc16X25(check)), "0x906E");
    assert.equal(crc16Arc(new Uint8Array()), 0);
  });
});
