import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { fakeLog, id } from "./fake-logs.test-helper.ts";
import { meterOwners, meterRegistrations } from "./meter-registrations.ts";

const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const hood = id(0x11);

describe("meterOwners", () => {
  it("lists owners in order of their first meter, with all their meters", () => {
    const logs = [
      fakeLog({ meter: id(0xa3), neighbourhood: hood, owner: alice, number: 3 }, 9n),
      fakeLog({ meter: id(0xa1), neighbourhood: hood, owner: bob, number: 2 }, 5n, 1),
      fakeLog({ meter: id(0xa2), neighbourhood: hood, owner: alice, number: 1 }, 5n, 0),
    ];
    assert.deepEqual(
      meterOwners(logs).map(({ owner, meters }) => [owner, meters.map((m) => m.meter)]),
      [
        [alice, [id(0xa2), id(0xa3)]],
        [bob, [id(0xa1)]],
      ],
    );
  });

  it("treats addresses in different case as one owner", () => {
    const logs = [
      fakeLog({ meter: id(1), neighbourhood: hood, owner: alice, number: 1 }, 1n),
      fakeLog({ meter: id(2), neighbourhood: hood, owner: alice.toLowerCase() as Address, number: 2 }, 2n),
    ];
    assert.equal(meterOwners(logs).length, 1);
  });
});

describe("meterRegistrations", () => {
  it("keeps registration order and each meter's number", () => {
    const logs = [
      fakeLog({ meter: id(2), neighbourhood: hood, owner: alice, number: 2 }, 3n),
      fakeLog({ meter: id(1), neighbourhood: hood, owner: alice, number: 1 }, 2n),
    ];
    assert.deepEqual(
      meterRegistrations(logs).map((m) => [m.meter, m.number]),
      [
        [id(1), 1],
        [id(2), 2],
      ],
    );
  });
});
