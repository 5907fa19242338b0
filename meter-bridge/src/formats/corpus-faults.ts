/**
 * The hand-written part of the corpus of bad inputs: semantic faults under valid checksums (units,
 * signs, missing OBIS codes, times, unknown meters, absurd values), per format (see corpus.test.ts).
 */
import type { FormatName } from "./index.ts";
import { d0ModeC, fixtureText, input, OBIS, redoDsmrCrc, smlFile, utf8 } from "./test-support.ts";
import { JUNE, type Case } from "./corpus-generated.ts";

export function faultCases(): Case[] {
  const cases: Case[] = [];
  const add = (format: FormatName, name: string, payload: Uint8Array, at: string, topic: string, reason: RegExp) =>
    cases.push({ name, format, input: input(payload, at, topic), reason });

  // 4. Semantic faults with valid checksums: units, signs, missing codes, times, unknown meters, absurd values.
  {
    const am550 = fixtureText("dsmr/iskra-am550-dsmr50.txt");
    const faults: [string, string, RegExp][] = [
      ["1-0:1.8.1(001234.567*kWh)", "1-0:1.8.1(001234.567*kvarh)", /1-0:1\.8\.1 .* has unit "kvarh"/],
      ["1-0:2.8.1(000123.456*kWh)", "1-0:2.8.1(000123.456)", /1-0:2\.8\.1 .* is not \(<decimal>\*<unit>\)/],
      ["1-0:1.8.2(002345.678*kWh)", "1-0:1.8.2(-02345.678*kWh)", /1-0:1\.8\.2 .* is negative/],
      ["1-0:1.8.1(001234.567*kWh)\r\n1-0:1.8.2(002345.678*kWh)\r\n", "", /1-0:1\.8\.1 and 1-0:1\.8\.2 are missing/],
      ["1-0:2.8.2(000234.567*kWh)\r\n", "", /1-0:2\.8\.2 is missing/],
      ["0-0:1.0.0(260621101500S)\r\n", "", /timestamp 0-0:1\.0\.0 is missing/],
      ["0-0:1.0.0(260621101500S)", "0-0:1.0.0(260621111500S)", /3598 s after the message was received/],
      ["0-0:1.0.0(260621101500S)", "0-0:1.0.0(260231101500S)", /has day 31 in a month of 28 days/],
      [
        "0-0:96.1.1(4530303435303031353931373432333139)",
        "0-0:96.1.1(4530303435303031353931373432333138)",
        /unknown meter: equipment identifier/,
      ],
      ["0-0:96.1.1(4530303435303031353931373432333139)\r\n", "", /equipment identifier 0-0:96\.1\.1 is missing/],
      ["1-0:1.8.1(001234.567*kWh)", "1-0:1.8.1(999999999.999*kWh)", /importWh .* is absurd/],
    ];
    for (const [from, to, reason] of faults)
      add(
        "dsmr",
        `AM550 ${to || `without ${from.trim()}`}`,
        redoDsmrCrc(am550.replace(from, to)),
        JUNE,
        "p1/meter",
        reason,
      );
  }
  {
    const ISK = "0a0149534b00047a5544";
    const imp = { obis: OBIS.import, unit: 30, scaler: -1, value: 791393n };
    const exp = { obis: OBIS.export, unit: 30, scaler: -1, value: 0n };
    const faults: [string, Uint8Array, RegExp][] = [
      [
        "import in varh",
        smlFile(ISK, [{ ...imp, unit: 32 }, exp]),
        /1-0:1\.8\.0\*255 \(import\) has unit 32, not 30 \(Wh\)/,
      ],
      [
        "import without unit",
        smlFile(ISK, [{ ...imp, unit: undefined }, exp]),
        /1-0:1\.8\.0\*255 \(import\) has no unit/,
      ],
      ["no import", smlFile(ISK, [exp]), /1-0:1\.8\.0\*255 \(import\) is missing/],
      ["no export", smlFile(ISK, [imp]), /1-0:2\.8\.0\*255 \(export\) is missing/],
      [
        "only power",
        smlFile(ISK, [{ obis: OBIS.power, unit: 27, scaler: 0, value: 500n }]),
        /1-0:1\.8\.0\*255 \(import\) is missing/,
      ],
      [
        "negative export",
        smlFile(ISK, [imp, { ...exp, value: -10n, signed: true }]),
        /1-0:2\.8\.0\*255 \(export\) is negative/,
      ],
      ["text value", smlFile(ISK, [{ ...imp, value: utf8("791393") }, exp]), /value is an octet string, not a number/],
      ["scaler 10^20", smlFile(ISK, [{ ...imp, scaler: 20 }, exp]), /implausible scaler 10\^20/],
      ["absurd import", smlFile(ISK, [{ ...imp, value: 2n * 10n ** 13n }, exp]), /importWh .* is absurd/],
      ["duplicate OBIS", smlFile(ISK, [imp, imp, exp]), /1-0:1\.8\.0\*255 appears twice/],
      [
        "unknown server",
        smlFile("0a0149534b0000000000", [imp, exp]),
        /unknown meter: server id 0a0149534b0000000000 is not in the SML settings/,
      ],
    ];
    for (const [name, payload, reason] of faults) add("sml", name, payload, JUNE, "sml/head", reason);
  }
  {
    const lines = ["0.0.0(26011234)", "1.8.0(0004711.3*kWh)", "2.8.0(0000815.2*kWh)"];
    const variant = (index: number, line: string) =>
      d0ModeC(
        "/ISk5MT174-0001",
        lines.map((l, i) => (i === index ? line : l)),
      );
    const faults: [string, Uint8Array, RegExp][] = [
      ["import in kW", variant(1, "1.8.0(0004711.3*kW)"), /1\.8\.0 \(0004711\.3\*kW\) has unit "kW"/],
      ["negative import", variant(1, "1.8.0(-004711.3*kWh)"), /is negative/],
      ["no import", variant(1, "C.7.0(0008)"), /import register 1\.8\.0 is missing/],
      ["no export", variant(2, "C.7.0(0008)"), /export register 2\.8\.0 is missing/],
      ["only an old billing period", variant(1, "1.8.0*01(0004711.3*kWh)"), /import register 1\.8\.0 is missing/],
      ["unknown meter", variant(0, "0.0.0(00000000)"), /unknown meter: "00000000"/],
      ["value with comma", variant(1, "1.8.0(0004711,3*kWh)"), /is not a decimal number/],
      ["absurd export", variant(2, "2.8.0(1000000001*kWh)"), /exportWh .* is absurd/],
      ["no identification", variant(0, "F.F(00)"), /no meter identification/],
    ];
    for (const [name, payload, reason] of faults) add("d0", name, payload, JUNE, "d0/head", reason);
  }
  {
    const mt175 = (values: unknown, time = "2026-06-21T10:15:00") =>
      utf8(JSON.stringify({ Time: time, MT175: values }));
    const faults: [string, string, Uint8Array, RegExp][] = [
      ["unknown device", "tele/garage/SENSOR", mt175({ E_in: 1, E_out: 0 }), /unknown device "garage"/],
      ["prototype key as device", "tele/__proto__/SENSOR", mt175({ E_in: 1, E_out: 0 }), /unknown device "__proto__"/],
      [
        "negative import",
        "tele/keller-mt175/SENSOR",
        mt175({ E_in: -1, E_out: 0 }),
        /MT175\.E_in \(import, kWh\) is negative/,
      ],
      ["missing export", "tele/keller-mt175/SENSOR", mt175({ E_in: 1 }), /MT175\.E_out \(export, kWh\) is missing/],
      ["string import", "tele/keller-mt175/SENSOR", mt175({ E_in: "1.2.3", E_out: 0 }), /is not a decimal number/],
      ["array section", "tele/keller-mt175/SENSOR", mt175([1, 2]), /no object "MT175"/],
      [
        "future time",
        "tele/keller-mt175/SENSOR",
        mt175({ E_in: 1, E_out: 0 }, "2026-06-21T11:15:00"),
        /s after the message was received/,
      ],
      [
        "unset clock",
        "tele/keller-mt175/SENSOR",
        mt175({ E_in: 1, E_out: 0 }, "1970-01-01T01:00:05"),
        /the meter's clock is not set/,
      ],
      [
        "skipped hour",
        "tele/keller-mt175/SENSOR",
        mt175({ E_in: 1, E_out: 0 }, "2026-03-29T02:15:00"),
        /does not exist in Europe\/Berlin/,
      ],
      ["absurd import", "tele/keller-mt175/SENSOR", mt175({ E_in: 1e10, E_out: 0 }), /importWh .* is absurd/],
      ["JSON array", "tele/keller-mt175/SENSOR", utf8("[1,2,3]"), /payload is not a JSON object/],
    ];
    for (const [name, topic, payload, reason] of faults) add("tasmota", name, payload, JUNE, topic, reason);
  }
  {
    const uplink = JSON.parse(fixtureText("lorawan/uplink-wh.json"));
    const topic = "v3/nachbarstrom-meters@ttn/devices/meter-burtscheid-17/up";
    const decoded = (d: unknown) =>
      utf8(JSON.stringify({ ...uplink, uplink_message: { ...uplink.uplink_message, decoded_payload: d } }));
    const faults: [string, Uint8Array, RegExp][] = [
      [
        "unknown DevEUI",
        utf8(JSON.stringify({ ...uplink, end_device_ids: { ...uplink.end_device_ids, dev_eui: "0004A30B00000000" } })),
        /unknown device: DevEUI 0004A30B00000000/,
      ],
      [
        "bad DevEUI",
        utf8(JSON.stringify({ ...uplink, end_device_ids: { ...uplink.end_device_ids, dev_eui: "xyz" } })),
        /dev_eui "xyz" is not 16 hex digits/,
      ],
      ["simulated", utf8(JSON.stringify({ ...uplink, simulated: true })), /the uplink is simulated/],
      ["no payload formatter", decoded(null), /decoded_payload is missing/],
      ["negative import", decoded({ importWh: -1, exportWh: 0 }), /is negative/],
      ["export missing", decoded({ importWh: 1 }), /decoded_payload\.exportWh \(export, Wh\) is missing/],
      ["absurd export", decoded({ importWh: 1, exportWh: 5e12 }), /exportWh .* is absurd/],
      [
        "bad time",
        utf8(JSON.stringify({ ...uplink, uplink_message: { ...uplink.uplink_message, received_at: "yesterday" } })),
        /received_at "yesterday" is not an ISO 8601 time/,
      ],
    ];
    for (const [name, payload, reason] of faults) add("lorawan", name, payload, JUNE, topic, reason);
  }
  {
    const topic = "nachbarstrom/burtscheid-sued/DE1/reading";
    const faults: [string, string, RegExp][] = [
      ["negative import", '{"importWh":-1,"exportWh":0,"timestamp":"2026-06-21T08:15:00Z"}', /importWh: Too small/],
      [
        "fraction",
        '{"importWh":1.5,"exportWh":0,"timestamp":"2026-06-21T08:15:00Z"}',
        /importWh: Invalid input: expected int/,
      ],
      [
        "no time zone",
        '{"importWh":1,"exportWh":0,"timestamp":"2026-06-21T08:15:00"}',
        /timestamp: Invalid ISO datetime/,
      ],
      ["extra field", '{"importWh":1,"exportWh":0,"timestamp":"2026-06-21T08:15:00Z","power":5}', /Unrecognized key/],
      ["future", '{"importWh":1,"exportWh":0,"timestamp":"2026-06-21T09:15:00Z"}', /s after the message was received/],
      ["absurd", '{"importWh":1000000000001,"exportWh":0,"timestamp":"2026-06-21T08:15:00Z"}', /importWh .* is absurd/],
    ];
    for (const [name, text, reason] of faults) add("plain-json", name, utf8(text), JUNE, topic, reason);
  }

  return cases;
}
