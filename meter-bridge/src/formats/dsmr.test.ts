import { describe, test } from "node:test";
import { decodeDsmr } from "./dsmr.ts";
import { assertReadings, assertRejected, bytes, fixtureText, input, redoDsmrCrc, withDsmrCrc } from "./test-support.ts";

const am550 = fixtureText("dsmr/iskra-am550-dsmr50.txt");
const decode = (payload: Uint8Array, receivedAt = "2026-06-21T08:15:02Z") =>
  decodeDsmr(input(payload, receivedAt, "p1/am550"));

describe("DSMR P1 telegrams", () => {
  test("an AM550 telegram: tariffs summed, summer time, equipment id decoded from hex", async () => {
    assertReadings(await decode(bytes(am550)), [
      { meteringPointId: "BE-AM550", timestamp: "2026-06-21T08:15:00Z", importWh: 3_580_245n, exportWh: 358_023n },
    ]);
  });

  test("the DSMR 5.0 example telegram (ISKRA MT382, winter time)", async () => {
    assertReadings(await decode(bytes(fixtureText("dsmr/iskra-mt382-dsmr50.txt")), "2017-01-02T18:20:05Z"), [
      { meteringPointId: "NL-MT382", timestamp: "2017-01-02T18:20:02Z", importWh: 6825n, exportWh: 2444n },
    ]);
  });

  test("a KAIFA DSMR 4.2 telegram, its equipment id used as sent", async () => {
    assertReadings(await decode(bytes(fixtureText("dsmr/kaifa-dsmr42.txt")), "2016-11-13T19:58:00Z"), [
      { meteringPointId: "NL-KAIFA", timestamp: "2016-11-13T19:57:57Z", importWh: 3_016_829n, exportWh: 0n },
    ]);
  });

  test("a Fluvius (Belgian) telegram with M-Bus devices whose ids are not the meter's", async () => {
    assertReadings(await decode(bytes(fixtureText("dsmr/fluvius-v171.txt")), "2020-05-12T11:54:10Z"), [
      { meteringPointId: "BE-FLUVIUS", timestamp: "2020-05-12T11:54:09Z", importWh: 15_792n, exportWh: 11n },
    ]);
  });

  test("registers in Wh and tariff-less 1.8.0 are accepted", async () => {
    const telegram = am550
      .replace("1-0:1.8.1(001234.567*kWh)\r\n1-0:1.8.2(002345.678*kWh)", "1-0:1.8.0(003580245*Wh)")
      .replace("1-0:2.8.1(000123.456*kWh)\r\n1-0:2.8.2(000234.567*kWh)", "1-0:2.8.0(000358.023*kWh)");
    assertReadings(await decode(redoDsmrCrc(telegram)), [
      { meteringPointId: "BE-AM550", timestamp: "2026-06-21T08:15:00Z", importWh: 3_580_245n, exportWh: 358_023n },
    ]);
  });

  test("rejects a wrong CRC, naming both values", async () => {
    assertRejected(
      await decode(bytes(am550.replace(/!([0-9A-F]{4})/, "!0000"))),
      /^DSMR telegram: CRC 0x0000 does not match computed 0x[0-9A-F]{4}$/,
    );
  });

  test("rejects a changed register under the old CRC", async () => {
    assertRejected(await decode(bytes(am550.replace("001234.567", "001234.568"))), /CRC 0x[0-9A-F]{4} does not match/);
  });

  test("rejects telegrams without CRC (DSMR 2.2), without equipment id, with unknown meters", async () => {
    assertRejected(await decode(bytes(fixtureText("dsmr/iskra-mt382-dsmr22.txt"))), /no CRC after "!"/);
    assertRejected(
      await decode(bytes(fixtureText("dsmr/sagemcom-t210-d-r.txt")), "2022-10-06T13:50:20Z"),
      /equipment identifier 0-0:96\.1\.1 is missing/,
    );
    const other = am550.replace("4530303435303031353931373432333139", "4530303435303031353931373432333130");
    assertRejected(
      await decode(redoDsmrCrc(other)),
      /unknown meter: equipment identifier "4530303435303031353931373432333130" \("E0045001591742310"\)/,
    );
  });

  test("rejects wrong units, negative and missing registers, bad and future timestamps", async () => {
    const cases: [string, string, RegExp][] = [
      ["1-0:1.8.1(001234.567*kWh)", "1-0:1.8.1(001234.567*kW)", /1-0:1\.8\.1 "\(001234\.567\*kW\)" has unit "kW"/],
      ["1-0:2.8.2(000234.567*kWh)", "1-0:2.8.2(-000234.567*kWh)", /1-0:2\.8\.2 .* is negative/],
      ["1-0:1.8.2(002345.678*kWh)\r\n", "", /1-0:1\.8\.2 is missing \(1-0:1\.8\.1 is there\)/],
      ["0-0:1.0.0(260621101500S)", "0-0:1.0.0(261321101500S)", /timestamp 0-0:1\.0\.0 .* has month 13/],
      ["0-0:1.0.0(260621101500S)", "0-0:1.0.0(260621101500X)", /is not \(YYMMDDhhmmssS\)/],
      ["0-0:1.0.0(260621101500S)", "0-0:1.0.0(260621103000S)", /is 898 s after the message was received/],
      ["1-0:1.8.1(001234.567*kWh)", "1-0:1.8.1(1234567890.123*kWh)", /importWh .* is absurd/],
      [
        "1-0:1.8.1(001234.567*kWh)",
        "1-0:1.8.1(001234.567*kWh)\r\n1-0:1.8.1(001234.567*kWh)",
        /1-0:1\.8\.1 appears twice/,
      ],
    ];
    for (const [from, to, reason] of cases) assertRejected(await decode(redoDsmrCrc(am550.replace(from, to))), reason);
  });

  test("rejects truncated telegrams and trailing garbage", async () => {
    assertRejected(await decode(bytes(am550.slice(0, 200))), /^DSMR telegram: truncated: no end line/);
    assertRejected(
      await decode(bytes(am550.slice(0, am550.indexOf("!") + 3))),
      /truncated: the CRC after "!" has only 2 of 4/,
    );
    assertRejected(await decode(bytes(`${am550}/ISK5`)), /unexpected characters after the CRC/);
    assertRejected(await decode(withDsmrCrc("/ISK5\\2M550T-1012\r\n1-0:1.8.1(1*kWh)\r\n!")), /header line/);
  });
});
