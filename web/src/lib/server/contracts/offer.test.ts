import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { dayRange } from "../statements/calendar.ts";
import { validateOffer, type OfferInput } from "./offer.ts";

const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const hex32 = (byte: number): Hex => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const [hood, other] = [hex32(0x11), hex32(0x22)];
const meters = [
  { meter: hex32(0xa1), neighbourhood: hood, owner: alice, number: 1 },
  { meter: hex32(0xa2), neighbourhood: hood, owner: alice, number: 2 },
  { meter: hex32(0xb1), neighbourhood: hood, owner: bob, number: 3 },
  { meter: hex32(0xb2), neighbourhood: other, owner: bob, number: 4 },
];
// Noon of 2026-11-23 in Germany.
const now = dayRange("2026-11-23").from + 48n;
const good: OfferInput = {
  seller: hex32(0xa1),
  buyer: hex32(0xb1).toUpperCase().replace("0X", "0x"),
  price: "22,5",
  cap: "0.5",
  from: "2026-11-24",
  until: "2026-12-24",
};
const check = (change: OfferInput) => validateOffer({ ...good, ...change }, { owner: alice, meters, now });

describe("validateOffer", () => {
  it("answers PowerContracts.offer's arguments for a good offer", () => {
    assert.deepEqual(check({}), {
      seller: hex32(0xa1),
      buyer: hex32(0xb1),
      pricePerKwh: 225_000n,
      capWh: 500n,
      validFrom: dayRange("2026-11-24").from,
      validUntil: dayRange("2026-12-24").from,
    });
  });

  it("names the first refused field in form order", () => {
    const cases: [OfferInput, string, string][] = [
      [{ seller: hex32(0xb1) }, "seller", "contracts.error.seller"],
      [{ buyer: "someone" }, "buyer", "contracts.error.buyerUnknown"],
      [{ buyer: hex32(0xa2) }, "buyer", "contracts.error.ownMeter"],
      [{ buyer: hex32(0xa1) }, "buyer", "contracts.error.ownMeter"],
      [{ buyer: hex32(0xb2) }, "buyer", "contracts.error.neighbourhood"],
      [{ price: "429496.7296" }, "price", "contracts.error.price"],
      [{ price: "-1", cap: "0" }, "price", "contracts.error.price"],
      [{ cap: "0" }, "cap", "contracts.error.capZero"],
      [{ cap: "0,000" }, "cap", "contracts.error.capZero"],
      [{ cap: "lots" }, "cap", "contracts.error.cap"],
      [{ from: "2026-11-23" }, "from", "contracts.error.fromPast"],
      [{ from: "24.11.2026" }, "from", "contracts.error.date"],
      [{ until: "2026-11-24" }, "until", "contracts.error.untilBeforeFrom"],
      [{ until: "" }, "until", "contracts.error.date"],
    ];
    for (const [change, field, problem] of cases) {
      assert.deepEqual(check(change), { field, problem }, JSON.stringify(change));
    }
  });

  it("accepts a price of 0 and the largest uint32 values", () => {
    const result = check({ price: "0", cap: "4294967.295" });
    assert.ok(!("problem" in result));
    assert.equal(result.pricePerKwh, 0n);
    assert.equal(result.capWh, 4_294_967_295n);
  });
});
