import { kwhText, type EncodedMessage, type MeterRegisters } from "./registers.ts";

const STX = 0x02;
const ETX = 0x03;

/**
 * An IEC 62056-21 mode C readout, as an optical head forwards it to `meters/d0/<device>`:
 * "/SIM5…" identification line, STX, the data sets `1-0:1.8.0*255(001234.567*kWh)`, "!", ETX and
 * the block check character (XOR of everything after STX up to and including ETX). The meter is named
 * by 0.0.0. D0 carries no clock: the bridge times the reading by its arrival.
 */
export function encodeD0(
  meter: { device: string; meterId: string },
  { importWh, exportWh }: MeterRegisters,
): EncodedMessage {
  const block = Buffer.from(
    [
      `0.0.0(${meter.meterId})`,
      `1-0:1.8.0*255(${kwhText(importWh, 6)}*kWh)`,
      `1-0:2.8.0*255(${kwhText(exportWh, 6)}*kWh)`,
      "F.F(00)",
      "!",
      "",
    ].join("\r\n"),
    "latin1",
  );
  let bcc = ETX;
  for (const byte of block) bcc ^= byte;
  const payload = Buffer.concat([
    Buffer.from("/SIM5NachbarstromSim\r\n", "latin1"),
    Buffer.from([STX]),
    block,
    Buffer.from([ETX, bcc]),
  ]);
  return { topic: `meters/d0/${meter.device}`, payload };
}
