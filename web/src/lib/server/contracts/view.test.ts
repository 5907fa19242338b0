import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testStoreLocation } from "@nachbarstrom/core/database/test";
import type { Address, Hex } from "viem";
import type { IndexedEvent } from "../read-model/decode.ts";
import { openReadModelStore } from "../read-model/store.ts";
import { writeEvents } from "../read-model/write.ts";
import { dayRange } from "../statements/calendar.ts";
import { contractsPage, endsIfEndedNow } from "./view.ts";

const alice: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const bob: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const hex32 = (byte: number): Hex => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const hood = hex32(0x11);
const tx = hex32(0xee);
const now = dayRange("2026-11-23").from + 40n;
let log = 0;
const at = () => ({ blockNumber: 5n, logIndex: log++, transactionHash: tx });

const offered = (id: bigint, seller: 1 | 2, validFrom: bigint, validUntil: bigint): IndexedEvent => ({
  kind: "PowerContractOffered",
  id,
  neighbourhood: hood,
  seller: hex32(0xa0 + seller),
  buyer: hex32(0xa0 + (3 - seller)),
  sellerNumber: seller,
  buyerNumber: 3 - seller,
  pricePerKwh: 220_000,
  capWh: 500,
  validFrom,
  validUntil,
  ...at(),
});

async function page(owner: Address) {
  const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
  const events: IndexedEvent[] = [
    {
      kind: "NeighbourhoodRegistered",
      neighbourhood: hood,
      allocationKey: 0,
      tariffNoticeIntervals: 0,
      contractNoticeIntervals: 96,
      costCap: false,
      ...at(),
    },
    { kind: "MeterRegistered", meter: hex32(0xa1), neighbourhood: hood, owner: alice, number: 1, ...at() },
    { kind: "MeterRegistered", meter: hex32(0xa2), neighbourhood: hood, owner: bob, number: 2, ...at() },
    offered(1n, 1, now + 10n, now + 1000n), // alice offers bob: waiting
    offered(2n, 2, now + 10n, now + 1000n), // bob offers alice: to accept
    offered(3n, 1, now - 50n, now + 1n), // an offer that can no longer start
    offered(4n, 1, now - 50n, now + 1000n),
    { kind: "PowerContractAccepted", id: 4n, ...at() }, // active
    offered(5n, 1, now + 10n, now + 20n),
    { kind: "PowerContractEnded", id: 5n, validUntil: now + 10n, ...at() }, // withdrawn
  ];
  try {
    await store.transaction((trx) => writeEvents(trx, events, new Map([[5n, now - 60n]])));
    return await contractsPage(store.db, owner, now);
  } finally {
    await store.close();
  }
}

describe("contractsPage", () => {
  it("groups contracts as the household acts on them", async () => {
    const groups = async (owner: Address) =>
      Object.fromEntries((await page(owner)).contracts.map((c) => [c.id.toString(), [c.group, c.role]]));
    assert.deepEqual(await groups(alice), {
      1: ["myOffers", "seller"],
      2: ["toAccept", "buyer"],
      3: ["ended", "seller"],
      4: ["active", "seller"],
      5: ["ended", "seller"],
    });
    assert.deepEqual((await groups(bob))[1], ["toAccept", "buyer"]);
  });

  it("lists the household's meters apart from its neighbours' and says when an end would take effect", async () => {
    const data = await page(alice);
    assert.deepEqual(
      data.myMeters.map((m) => m.number),
      [1],
    );
    assert.deepEqual(
      data.neighbours.map((m) => m.number),
      [2],
    );
    const active = data.contracts.find((c) => c.id === 4n)!;
    assert.equal(active.endsIfEndedNow, now + 97n, "the next interval plus 96 intervals of notice");
    assert.equal(active.otherMeter, hex32(0xa2));
  });

  it("ends a contract no later than it runs and no earlier than it starts", () => {
    assert.equal(endsIfEndedNow({ validFrom: 0n, validUntil: 50n }, 10n, 96), 50n);
    assert.equal(endsIfEndedNow({ validFrom: 500n, validUntil: 900n }, 10n, 96), 500n);
    assert.equal(endsIfEndedNow({ validFrom: 0n, validUntil: 900n }, 10n, 0), 11n);
  });
});
