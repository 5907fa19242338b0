import assert from "node:assert/strict";
import { test } from "node:test";
import { parseMeteringPointId } from "./metering-point-id.ts";

test("accepts a Zählpunktbezeichnung and normalises spaces and case", () => {
  assert.equal(parseMeteringPointId("DE0001234520660000000000000000001"), "DE0001234520660000000000000000001");
  assert.equal(parseMeteringPointId(" de 0001234520 6600000000 00000000001 "), "DE0001234520660000000000000000001");
  assert.equal(parseMeteringPointId("AT00000000000000000000000ABCDEF12"), "AT00000000000000000000000ABCDEF12");
});

test("refuses ids of the wrong length, without a country code, or with other characters", () => {
  for (const input of [
    "",
    "DE000123452066000000000000000001", // 32 characters
    "DE00012345206600000000000000000011", // 34
    "120001234520660000000000000000001", // no country code
    "DE00012345206600000000000000000-1",
    "DÉ0001234520660000000000000000001",
  ]) {
    assert.equal(parseMeteringPointId(input), undefined, input);
  }
});
