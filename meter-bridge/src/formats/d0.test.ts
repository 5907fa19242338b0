import { describe, test } from "node:test";
import { decodeD0 } from "./d0.ts";
import { assertReadings, assertRejected, bytes, d0ModeC, fixture, fixtureText, input } from "./test-support.ts";

const AT = "2026-06-21T08:15:00Z";
const decode = (payload: Uint8Array) => decodeD0(input(payload, AT, "d0/head-2"));
const q3db = fixtureText("d0/easymeter-q3db1024.txt");

describe("IEC 62056-21 (D0) readouts", () => {
  test("an EasyMeter Q3DB push readout: 1.8.0 and 2.8.0 with seven decimals, found by 96.1.255", async () => {
    assertReadings(await decode(bytes(q3db)), [
      { meteringPointId: "DE-D0-Q3DB", timestamp: AT, importWh: 52_185_782n, exportWh: 19_949_322n },
    ]);
  });

  test("an EasyMeter Q3DA (import only), found by 0.0.0", async () => {
    assertReadings(await decode(fixture("d0/easymeter-q3da1004.txt")), [
      { meteringPointId: "DE-D0-Q3DA", timestamp: AT, importWh: 32_549_506n, exportWh: 0n },
    ]);
  });

  test("an ISKRA MT174 mode C readout with BCC; the previous billing period (1.8.0*01) is ignored", async () => {
    assertReadings(await decode(fixture("d0/iskra-mt174-mode-c.bin")), [
      { meteringPointId: "DE-D0-MT174", timestamp: AT, importWh: 4_711_300n, exportWh: 815_200n },
    ]);
  });

  test("LF line ends and tariff registers without 1.8.0", async () => {
    const text =
      "/ISk5MT174-0001\n\n0.0.0(26011234)\n1.8.1(0000001.5*kWh)\n1.8.2(0000002.5*kWh)\n2.8.1(0000000.25*kWh)\n!\n";
    assertReadings(await decode(bytes(text)), [
      { meteringPointId: "DE-D0-MT174", timestamp: AT, importWh: 4000n, exportWh: 250n },
    ]);
  });

  test("rejects a wrong BCC, naming both values", async () => {
    const good = fixture("d0/iskra-mt174-mode-c.bin");
    const bad = new Uint8Array([...good.subarray(0, -1), good.at(-1)! ^ 0x01]);
    assertRejected(await decode(bad), /^D0 readout: BCC 0x[0-9A-F]{2} does not match computed 0x[0-9A-F]{2}$/);
  });

  test("rejects wrong units, negative values, missing registers, unknown meters", async () => {
    const lines = ["0.0.0(26011234)", "1.8.0(0004711.3*kWh)", "2.8.0(0000815.2*kWh)"];
    const variant = (index: number, line: string) =>
      d0ModeC(
        "/ISk5MT174-0001",
        lines.map((l, i) => (i === index ? line : l)),
      );
    assertRejected(
      await decode(variant(1, "1.8.0(0004711.3*kvarh)")),
      /1\.8\.0 \(0004711\.3\*kvarh\) has unit "kvarh"/,
    );
    assertRejected(await decode(variant(2, "2.8.0(-0000815.2*kWh)")), /2\.8\.0 \(-0000815\.2\*kWh\) is negative/);
    assertRejected(await decode(variant(1, "1.7.0(0000.512*kW)")), /import register 1\.8\.0 is missing/);
    assertRejected(await decode(variant(0, "0.0.0(99999999)")), /unknown meter: "99999999" not in the D0 settings/);
    assertRejected(await decode(variant(1, "1.8.0(0004711.3)")), /1\.8\.0 \(0004711\.3\) has no unit/);
    assertRejected(await decode(variant(0, "C.7.0(0008)")), /no meter identification/);
    assertRejected(await decode(variant(1, "1.8.0(9999999999.9*kWh)")), /importWh .* is absurd/);
  });

  test("rejects truncated readouts and garbage", async () => {
    assertRejected(await decode(bytes(q3db.slice(0, 120))), /^D0 readout: truncated: no end "!"/);
    assertRejected(await decode(bytes(`${q3db}  25803103\r\n`)), /unexpected characters after the end "!"/);
    assertRejected(
      await decode(bytes(q3db.replace("1-0:21.7.0*255(000747.85*W)", "1-0:21.7.0*255(000747.85*W"))),
      /data set at character \d+ is not address\(value\)/,
    );
    assertRejected(await decode(bytes("1-0:1.8.0*255(1*kWh)\r\n!\r\n")), /does not start with "\/"/);
    const modeC = fixture("d0/iskra-mt174-mode-c.bin");
    assertRejected(
      await decode(modeC.subarray(0, modeC.length - 1)),
      /truncated: the block check character after ETX is missing/,
    );
    assertRejected(await decode(modeC.subarray(0, 60)), /truncated: no ETX after STX/);
  });
});
