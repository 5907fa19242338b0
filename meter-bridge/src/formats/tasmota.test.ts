import { describe, test } from "node:test";
import { decodeTasmota } from "./tasmota.ts";
import { assertReadings, assertRejected, fixture, input, SETTINGS, utf8 } from "./test-support.ts";

const AT = "2026-06-21T08:15:03Z";
const decode = (device: string, payload: Uint8Array, receivedAt = AT, settings = SETTINGS) =>
  decodeTasmota(input(payload, receivedAt, `tele/${device}/SENSOR`, settings));
const message = (time: string, values: Record<string, unknown>, section = "MT175") =>
  utf8(JSON.stringify({ Time: time, [section]: values }));

describe("Tasmota SML script telemetry", () => {
  test("ISKRA MT175 preset: local summer time, kWh with four decimals cut to whole Wh", async () => {
    assertReadings(await decode("keller-mt175", fixture("tasmota/iskra-mt175.json")), [
      { meteringPointId: "DE-TAS-MT175", timestamp: "2026-06-21T08:15:00Z", importWh: 1_234_567n, exportWh: 23_400n },
    ]);
  });

  test("EMH eHZ preset, the message of issue 5", async () => {
    assertReadings(await decode("keller-ehz", fixture("tasmota/emh-ehz.json")), [
      { meteringPointId: "DE-TAS-EHZ", timestamp: "2026-06-21T08:15:00Z", importWh: 1_234_567n, exportWh: 23_400n },
    ]);
  });

  test("EasyMeter Q3A preset in winter time, seven decimals", async () => {
    assertReadings(await decode("hausanschluss-q3a", fixture("tasmota/easymeter-q3a.json"), "2026-01-15T06:30:02Z"), [
      { meteringPointId: "DE-TAS-Q3A", timestamp: "2026-01-15T06:30:00Z", importWh: 3_834_456n, exportWh: 1_200_123n },
    ]);
  });

  test("eBZ DD3 OBIS preset printing Wh", async () => {
    assertReadings(await decode("dd3-obis", fixture("tasmota/ebz-dd3-obis.json")), [
      { meteringPointId: "DE-TAS-DD3", timestamp: "2026-06-21T08:15:00Z", importWh: 2663n, exportWh: 2152n },
    ]);
  });

  test("two meters on one device (>M 2), each with its own mapping", async () => {
    assertReadings(await decode("q3b-zwei", fixture("tasmota/easymeter-q3b-two-meters.json")), [
      { meteringPointId: "DE-TAS-HOUSE", timestamp: "2026-06-21T08:15:00Z", importWh: 1_500_000n, exportWh: 0n },
      { meteringPointId: "DE-TAS-PUMP", timestamp: "2026-06-21T08:15:00Z", importWh: 300_000n, exportWh: 0n },
    ]);
  });

  test("a Time with an offset (SetOption52), numeric strings, and the other ISKRA and eBZ presets", async () => {
    const settings = {
      tasmota: {
        timeZone: "Europe/Amsterdam",
        devices: {
          a: { meteringPointId: "A", preset: "iskra-mt631" as const },
          b: { meteringPointId: "B", preset: "ebz-dd3" as const },
        },
      },
    };
    assertReadings(
      await decode(
        "a",
        message("2026-06-21T08:15:00+00:00", { Total_in: "12.5", Total_out: 0 }, "MT631"),
        AT,
        settings,
      ),
      [{ meteringPointId: "A", timestamp: "2026-06-21T08:15:00Z", importWh: 12_500n, exportWh: 0n }],
    );
    assertReadings(
      await decode("b", message("2026-06-21T10:15:00", { "1_8_0": 2.66313813, "2_8_0": 2.152 }, "SML"), AT, settings),
      [{ meteringPointId: "B", timestamp: "2026-06-21T08:15:00Z", importWh: 2663n, exportWh: 2152n }],
    );
  });

  test("the hour repeated in October goes to the occurrence nearer the arrival", async () => {
    const values = { E_in: 1, E_out: 0 };
    const early = await decode("keller-mt175", message("2026-10-25T02:30:00", values), "2026-10-25T00:30:05Z");
    assertReadings(early, [
      { meteringPointId: "DE-TAS-MT175", timestamp: "2026-10-25T00:30:00Z", importWh: 1000n, exportWh: 0n },
    ]);
    const late = await decode("keller-mt175", message("2026-10-25T02:30:00", values), "2026-10-25T01:30:05Z");
    assertReadings(late, [
      { meteringPointId: "DE-TAS-MT175", timestamp: "2026-10-25T01:30:00Z", importWh: 1000n, exportWh: 0n },
    ]);
    assertRejected(
      await decode("keller-mt175", message("2026-03-29T02:30:00", values), "2026-03-29T01:00:00Z"),
      /2026-03-29T02:30:00 does not exist in Europe\/Berlin/,
    );
  });

  test("rejects unknown devices, missing sections and fields, negative values, bad times", async () => {
    const values = { E_in: 1234.5, E_out: 0 };
    assertRejected(await decode("garage", message("2026-06-21T10:15:00", values)), /unknown device "garage"/);
    assertRejected(await decode("constructor", message("2026-06-21T10:15:00", values)), /unknown device "constructor"/);
    assertRejected(
      await decode("keller-mt175", message("2026-06-21T10:15:00", values, "SML")),
      /no object "MT175" for metering point "DE-TAS-MT175" \(keys: Time, SML\)/,
    );
    assertRejected(
      await decode("keller-mt175", message("2026-06-21T10:15:00", { E_in: 1 })),
      /MT175\.E_out \(export, kWh\) is missing/,
    );
    assertRejected(
      await decode("keller-mt175", message("2026-06-21T10:15:00", { E_in: -1, E_out: 0 })),
      /MT175\.E_in \(import, kWh\) is negative/,
    );
    assertRejected(
      await decode("keller-mt175", message("2026-06-21T10:15:00", { E_in: "n/a", E_out: 0 })),
      /is not a decimal number/,
    );
    assertRejected(
      await decode("keller-mt175", message("1970-01-01T00:00:12", values)),
      /before 2000-01-02: the meter's clock is not set/,
    );
    assertRejected(
      await decode("keller-mt175", message("2026-06-21T10:25:00", values)),
      /is 597 s after the message was received/,
    );
    assertRejected(
      await decode("keller-mt175", message("21.06.2026 10:15", values)),
      /"Time" "21\.06\.2026 10:15" is not an ISO 8601 time/,
    );
    assertRejected(await decode("keller-mt175", utf8('{"MT175":{}}')), /"Time" is missing/);
    assertRejected(await decode("keller-mt175", message("2026-06-21T10:15:00", { E_in: 2e9, E_out: 0 })), /absurd/);
    assertRejected(
      await decodeTasmota(input(fixture("tasmota/iskra-mt175.json"), AT, "stat/keller-mt175/STATUS8")),
      /topic "stat\/keller-mt175\/STATUS8" is not tele\/<device>\/SENSOR/,
    );
  });

  test("rejects a bad time zone or preset in the settings", async () => {
    const zone = {
      tasmota: { timeZone: "Mars/Olympus", devices: { x: { meteringPointId: "X", preset: "iskra-mt175" as const } } },
    };
    assertRejected(
      await decode("x", fixture("tasmota/iskra-mt175.json"), AT, zone),
      /time zone "Mars\/Olympus" is not known/,
    );
    const preset = { tasmota: { devices: { x: { meteringPointId: "X", preset: "iskra-mt999" as "iskra-mt175" } } } };
    assertRejected(await decode("x", fixture("tasmota/iskra-mt175.json"), AT, preset), /unknown preset "iskra-mt999"/);
    assertRejected(
      await decode("x", fixture("tasmota/iskra-mt175.json"), AT, {}),
      /no Tasmota settings are configured/,
    );
  });
});
