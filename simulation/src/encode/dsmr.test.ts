import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeDsmr } from "../../../meter-bridge/src/formats/dsmr.ts";
import { encodeDsmr } from "./dsmr.ts";
import { arrival, assertDecoded, registerSamples, SUMMER, WINTER } from "./test-support.ts";

const meter = { device: "p1-1", equipmentId: "DE0001234520660000000000000000001" };
const settings = { dsmr: { meters: { [meter.equipmentId]: { meteringPointId: "DE-SIM-1" } } } };
const decode = (payload: string | Uint8Array, receivedAt: Date) =>
  decodeDsmr({ topic: "meters/dsmr/p1-1", payload: Buffer.from(payload), receivedAt, settings });

describe("encodeDsmr", () => {
  it("writes telegrams the bridge's DSMR decoder accepts (CRC, S/W time, both tariffs) with the same registers", async () => {
    for (const registers of registerSamples()) {
      const { payload } = encodeDsmr(meter, registers);
      assertDecoded(
        await decode(payload, arrival(registers)),
        { ...registers, meteringPointId: "DE-SIM-1" },
        "message",
      );
    }
  });

  it("marks summer time S and winter time W and splits each register into two rising tariffs", () => {
    const text = (unixSeconds: number, importWh: bigint) =>
      Buffer.from(encodeDsmr(meter, { importWh, exportWh: 3n, unixSeconds }).payload).toString("latin1");
    assert.match(text(SUMMER, 1001n), /0-0:1\.0\.0\(260621101500S\)/);
    assert.match(text(WINTER, 1001n), /0-0:1\.0\.0\(260115070000W\)/);
    assert.match(text(SUMMER, 1001n), /1-0:1\.8\.1\(000000\.500\*kWh\)\r\n1-0:1\.8\.2\(000000\.501\*kWh\)/);
    assert.match(text(SUMMER, 1002n), /1-0:1\.8\.1\(000000\.501\*kWh\)\r\n1-0:1\.8\.2\(000000\.501\*kWh\)/);
    assert.match(text(SUMMER, 1n), /\r\n![0-9A-F]{4}\r\n$/);
  });

  it("gets the October hour that repeats right by its S/W flag", async () => {
    // 2026-10-25: 02:30 CEST (00:30Z) and 02:30 CET (01:30Z) are the same clock time.
    for (const unixSeconds of [Date.UTC(2026, 9, 25, 0, 30) / 1000, Date.UTC(2026, 9, 25, 1, 30) / 1000]) {
      const registers = { importWh: 10n, exportWh: 0n, unixSeconds };
      const decoded = await decode(encodeDsmr(meter, registers).payload, arrival(registers));
      assertDecoded(decoded, { ...registers, meteringPointId: "DE-SIM-1" }, "message");
    }
  });

  it("is caught by the CRC when a digit changes", async () => {
    const registers = { importWh: 123_456n, exportWh: 0n, unixSeconds: SUMMER };
    const bytes = Buffer.from(encodeDsmr(meter, registers).payload);
    const digit = bytes.indexOf("1-0:1.8.1(") + "1-0:1.8.1(0000".length;
    bytes[digit] = bytes[digit] === 0x36 ? 0x37 : 0x36;
    const decoded = await decode(bytes, arrival(registers));
    assert.ok(!decoded.ok && /CRC/.test(decoded.reason));
  });
});
