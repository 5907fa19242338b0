import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeSml } from "./sml.ts";
import { createTlvReader } from "./sml-tlv.ts";
import { assertReadings, assertRejected, fixture, input, OBIS, smlFile, utf8 } from "./test-support.ts";

const AT = "2026-06-21T08:15:00Z";
const decode = (payload: Uint8Array) => decodeSml(input(payload, AT, "sml/head-1"));
const ISK = "0a0149534b00047a5544";

describe("SML 1.04 files", () => {
  test("an ISKRA meter's raw bytes: 1.8.0 and 2.8.0 in Wh with scaler -1", async () => {
    assertReadings(await decode(fixture("sml/iskra.bin")), [
      { meteringPointId: "DE-SML-ISK", timestamp: AT, importWh: 79_139n, exportWh: 0n },
    ]);
  });

  test("an EasyMeter Q3BA as hex text: unsigned 64-bit registers with scaler -4", async () => {
    assertReadings(await decode(fixture("sml/easymeter-q3ba1022.hex")), [
      { meteringPointId: "DE-SML-ESY", timestamp: AT, importWh: 8_603_838n, exportWh: 14_553_799n },
    ]);
  });

  test("an EMH meter without 2.8.0, configured importOnly, with a signed value list", async () => {
    assertReadings(await decode(fixture("sml/emh.hex")), [
      { meteringPointId: "DE-SML-EMH", timestamp: AT, importWh: 15_338_555n, exportWh: 0n },
    ]);
  });

  test("unescapes a 1b1b1b1b block inside the data (escapes sit on 4-byte boundaries)", async () => {
    const entries = [
      { obis: OBIS.import, unit: 30, scaler: 0, value: 42n },
      { obis: OBIS.export, unit: 30, scaler: 0, value: 5n },
    ];
    const escaped = [0, 1, 2, 3]
      .map((pad) =>
        smlFile(ISK, entries, { fileId: new Uint8Array([...new Array(pad).fill(0), 0x1b, 0x1b, 0x1b, 0x1b]) }),
      )
      .filter((file) => /^(?:[0-9a-f]{8})*1b1b1b1b1b1b1b1b/.test(Buffer.from(file.subarray(8)).toString("hex")));
    assert.equal(escaped.length, 1);
    assertReadings(await decode(escaped[0]), [
      { meteringPointId: "DE-SML-ISK", timestamp: AT, importWh: 42n, exportWh: 5n },
    ]);
  });

  test("reads TLV values: lists, signed and unsigned integers, absent values, multi-byte lengths", () => {
    const reader = createTlvReader(
      new Uint8Array([0x73, 0x52, 0xff, 0x63, 0x01, 0x00, 0x01, 0x81, 0x01, ...new Array(15).fill(0x41)]),
    );
    assert.deepEqual(reader.read(), {
      kind: "list",
      items: [{ kind: "integer", value: -1n }, { kind: "unsigned", value: 256n }, { kind: "absent" }],
    });
    const long = reader.read();
    assert.equal(long.kind === "octets" ? long.bytes.length : -1, 15);
    assert.ok(reader.done);
  });

  test("rejects a wrong CRC, a wrong unit, a missing register, a negative value, an unknown server", async () => {
    const entries = [
      { obis: OBIS.import, unit: 30, scaler: -1, value: 12345n },
      { obis: OBIS.export, unit: 30, scaler: -1, value: 678n },
    ];
    assertRejected(
      await decode(smlFile(ISK, entries, { crc: 0x1234 })),
      /^SML: CRC 0x1234 does not match computed 0x[0-9A-F]{4}$/,
    );
    assertRejected(
      await decode(smlFile(ISK, [entries[0], { ...entries[1], unit: 27 }])),
      /1-0:2\.8\.0\*255 \(export\) has unit 27, not 30 \(Wh\)/,
    );
    assertRejected(await decode(smlFile(ISK, [entries[0]])), /1-0:2\.8\.0\*255 \(export\) is missing/);
    assertRejected(
      await decode(smlFile(ISK, [{ ...entries[0], value: -5n, signed: true }, entries[1]])),
      /1-0:1\.8\.0\*255 \(import\) is negative/,
    );
    assertRejected(
      await decode(smlFile("0a0149534b00ffffffff", entries)),
      /unknown meter: server id 0a0149534b00ffffffff is not in the SML settings/,
    );
    assertRejected(
      await decode(smlFile(ISK, [{ ...entries[0], value: utf8("12345") }, entries[1]])),
      /value is an octet string, not a number/,
    );
    assertRejected(
      await decode(smlFile(ISK, [{ ...entries[0], scaler: 40 }, entries[1]])),
      /implausible scaler 10\^40/,
    );
    assertRejected(
      await decode(smlFile(ISK, [{ ...entries[0], value: 10n ** 15n, scaler: 0 }, entries[1]])),
      /importWh .* is absurd/,
    );
  });

  test("rejects truncated frames, garbage before and after, and odd hex", async () => {
    const file = fixture("sml/iskra.bin");
    assertRejected(await decode(file.subarray(0, 100)), /^SML: truncated: no end sequence/);
    assertRejected(await decode(new Uint8Array([0, ...file])), /does not start with the escape sequence/);
    assertRejected(await decode(new Uint8Array([...file, 0x1b])), /1 bytes follow the end sequence/);
    assertRejected(await decode(utf8("1b1b1b1b010")), /odd number of digits/);
    assertRejected(
      await decode(new Uint8Array([...file.subarray(0, 104), ...file])),
      /a new start sequence at byte 104/,
    );
  });
});
