import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbourhoodId, type MeterDirectory, type Reading } from "@nachbarstrom/core";
import type { Hex } from "viem";
import { decodeReading, type DecodeReadingResult } from "./decode-reading.ts";
import { indexDirectory } from "./directory.ts";
import { bytes, fixture, fixtureText, SETTINGS } from "./formats/test-support.ts";

const SOUTH = "burtscheid-sued";
const NORTH = "burtscheid-nord";
const meter = (meteringPointId: string, digit: string) => ({
  meteringPointId,
  meterId: `0x${digit.repeat(64)}` as Hex,
  owner: `0x${"1".repeat(40)}` as Hex,
});
/** The fixtures' metering points (formats/test-support.ts SETTINGS), spread over two neighbourhoods. */
const DIRECTORY: MeterDirectory = {
  neighbourhoods: [
    {
      slug: SOUTH,
      id: neighbourhoodId(SOUTH),
      meters: [
        meter("DE0001234520660000000000000000001", "a"),
        meter("DE-TAS-MT175", "b"),
        meter("DE-TAS-HOUSE", "c"),
        meter("DE-SML-ISK", "d"),
        meter("DE-LORA-17", "e"),
        meter("DE-OCMF-1", "f"),
      ],
    },
    {
      slug: NORTH,
      id: neighbourhoodId(NORTH),
      meters: [meter("DE-TAS-PUMP", "1"), meter("BE-AM550", "2"), meter("DE-D0-MT174", "3"), meter("DE-OCMF-1", "4")],
    },
  ],
};
const directory = indexDirectory(DIRECTORY);
/** After every fixture's time: only readings more than 300 s after arrival are rejected. */
const LATE = "2027-01-01T00:00:00Z";
const seconds = (iso: string) => Date.parse(iso) / 1000;

function decode(format: string, topic: string, payload: Uint8Array | string, receivedAt = LATE) {
  return decodeReading({ format, topic, payload, receivedAt: new Date(receivedAt), settings: SETTINGS, directory });
}

function assertReadings(result: DecodeReadingResult, expected: Reading[]): void {
  assert.ok(result.ok, result.ok ? "" : result.reason);
  assert.deepEqual(result.readings, expected);
}

function assertRejected(result: DecodeReadingResult, reason: string | RegExp): void {
  assert.equal(result.ok, false, "expected a rejection");
  if (typeof reason === "string") assert.equal(result.ok ? "" : result.reason, reason);
  else assert.match(result.ok ? "" : result.reason, reason);
}

describe("decodeReading", () => {
  test("plain JSON: the neighbourhood comes from the topic", async () => {
    const topic = `nachbarstrom/${SOUTH}/DE0001234520660000000000000000001/reading`;
    assertReadings(await decode("plain-json", topic, fixture("plain-json/reading.json")), [
      {
        neighbourhood: SOUTH,
        meteringPointId: "DE0001234520660000000000000000001",
        importWh: 1_234_567n,
        exportWh: 89_012n,
        unixSeconds: seconds("2026-11-23T10:15:00Z"),
      },
    ]);
  });

  test("plain JSON: a neighbourhood named in the topic must hold the metering point", async () => {
    const topic = `nachbarstrom/${NORTH}/DE0001234520660000000000000000001/reading`;
    assertRejected(
      await decode("plain-json", topic, fixture("plain-json/reading.json")),
      `unknown metering point "DE0001234520660000000000000000001": it is not registered in neighbourhood "${NORTH}"`,
    );
  });

  test("Tasmota: the neighbourhood comes from the directory, one per meter of a device", async () => {
    assertReadings(await decode("tasmota", "tele/keller-mt175/SENSOR", fixture("tasmota/iskra-mt175.json")), [
      {
        neighbourhood: SOUTH,
        meteringPointId: "DE-TAS-MT175",
        importWh: 1_234_567n,
        exportWh: 23_400n,
        unixSeconds: seconds("2026-06-21T08:15:00Z"),
      },
    ]);
    const two = await decode("tasmota", "tele/q3b-zwei/SENSOR", fixture("tasmota/easymeter-q3b-two-meters.json"));
    assert.ok(two.ok);
    assert.deepEqual(
      two.readings.map((r) => [r.neighbourhood, r.meteringPointId, r.importWh]),
      [
        [SOUTH, "DE-TAS-HOUSE", 1_500_000n],
        [NORTH, "DE-TAS-PUMP", 300_000n],
      ],
    );
  });

  test("DSMR: a telegram given as text", async () => {
    assertReadings(await decode("dsmr", "p1/am550", fixtureText("dsmr/iskra-am550-dsmr50.txt")), [
      {
        neighbourhood: NORTH,
        meteringPointId: "BE-AM550",
        importWh: 3_580_245n,
        exportWh: 358_023n,
        unixSeconds: seconds("2026-06-21T08:15:00Z"),
      },
    ]);
  });

  test("DSMR: a bad CRC is the decoder's reason", async () => {
    const telegram = fixtureText("dsmr/iskra-am550-dsmr50.txt").replace(/!([0-9A-F]{4})/, "!0000");
    assertRejected(
      await decode("dsmr", "p1/am550", bytes(telegram)),
      /^DSMR telegram: CRC 0x0000 does not match computed 0x[0-9A-F]{4}$/,
    );
  });

  test("SML: raw bytes, read at arrival", async () => {
    assertReadings(await decode("sml", "sml/iskra", fixture("sml/iskra.bin")), [
      {
        neighbourhood: SOUTH,
        meteringPointId: "DE-SML-ISK",
        importWh: 79_139n,
        exportWh: 0n,
        unixSeconds: seconds(LATE),
      },
    ]);
  });

  test("D0: a mode C readout, read at arrival", async () => {
    assertReadings(await decode("d0", "d0/mt174", fixture("d0/iskra-mt174-mode-c.bin")), [
      {
        neighbourhood: NORTH,
        meteringPointId: "DE-D0-MT174",
        importWh: 4_711_300n,
        exportWh: 815_200n,
        unixSeconds: seconds(LATE),
      },
    ]);
  });

  test("LoRaWAN: a The Things Stack uplink", async () => {
    const topic = "v3/nachbarstrom-meters@ttn/devices/meter-burtscheid-17/up";
    assertReadings(await decode("lorawan", topic, fixture("lorawan/uplink-wh.json")), [
      {
        neighbourhood: SOUTH,
        meteringPointId: "DE-LORA-17",
        importWh: 1_234_567n,
        exportWh: 89_012n,
        unixSeconds: seconds("2026-06-21T08:15:01Z"),
      },
    ]);
  });

  test("EIP-712: a signed reading", async () => {
    assertReadings(await decode("eip712", "signed/x", fixture("eip712/reading.json")), [
      {
        neighbourhood: SOUTH,
        meteringPointId: "DE0001234520660000000000000000001",
        importWh: 1_234_567n,
        exportWh: 89_012n,
        unixSeconds: seconds("2026-06-21T08:15:00Z"),
      },
    ]);
  });

  test("OCMF: a metering point in two neighbourhoods is ambiguous", async () => {
    assertRejected(
      await decode("ocmf", "ocmf/x", fixture("ocmf/reading.txt")),
      `metering point "DE-OCMF-1" is registered in several neighbourhoods ("${SOUTH}", "${NORTH}"); the message does not say which`,
    );
  });

  test("an unknown metering point is rejected, naming it", async () => {
    const settings = { dsmr: { meters: { E0045001591742319: { meteringPointId: "BE-NOBODY" } } } };
    const result = await decodeReading({
      format: "dsmr",
      topic: "p1/am550",
      payload: fixture("dsmr/iskra-am550-dsmr50.txt"),
      receivedAt: new Date(LATE),
      settings,
      directory,
    });
    assertRejected(
      result,
      `unknown metering point "BE-NOBODY": it is not registered in any neighbourhood of the meter directory`,
    );
  });

  test("an unknown format is rejected", async () => {
    assertRejected(await decode("modbus", "x", "{}"), /^unknown format "modbus" \(known: plain-json, /);
  });
});
