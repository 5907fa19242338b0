import { crc16Arc } from "../../../meter-bridge/src/formats/crc.ts";
import { germanTime, kwhText, type EncodedMessage, type MeterRegisters } from "./registers.ts";

/**
 * A DSMR 5.0 P1 telegram, as a P1 reader (e.g. a DSMR-logger or Tasmota with `>D`) forwards it to
 * `meters/dsmr/<device>`: header, CRLF lines, "!" and the CRC-16/ARC of everything from "/" to "!".
 * The equipment identifier 0-0:96.1.1 is the hex of the meter's id in ASCII, the time 0-0:1.0.0 is
 * Dutch/German clock time with S (summer) or W (winter). Meters count in two tariffs; the simulator
 * splits each register in halves (tariff 1 the lower), which keeps both registers rising.
 */
export function encodeDsmr(
  meter: { device: string; equipmentId: string },
  { importWh, exportWh, unixSeconds }: MeterRegisters,
): EncodedMessage {
  const t = germanTime(unixSeconds);
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${two(t.year % 100)}${two(t.month)}${two(t.day)}${two(t.hour)}${two(t.minute)}${two(t.second)}`;
  const season = t.offsetMinutes === 120 ? "S" : "W";
  const register = (code: string, wh: bigint) => `${code}(${kwhText(wh, 6)}*kWh)`;
  const lines = [
    "/ISK5\\2M550E-1012",
    "",
    "1-3:0.2.8(50)",
    `0-0:1.0.0(${stamp}${season})`,
    `0-0:96.1.1(${Buffer.from(meter.equipmentId, "latin1").toString("hex").toUpperCase()})`,
    register("1-0:1.8.1", importWh / 2n),
    register("1-0:1.8.2", importWh - importWh / 2n),
    register("1-0:2.8.1", exportWh / 2n),
    register("1-0:2.8.2", exportWh - exportWh / 2n),
    "0-0:96.14.0(0002)",
    "!",
  ];
  const body = Buffer.from(lines.join("\r\n"), "latin1");
  const crc = crc16Arc(body).toString(16).toUpperCase().padStart(4, "0");
  return { topic: `meters/dsmr/${meter.device}`, payload: Buffer.concat([body, Buffer.from(`${crc}\r\n`, "latin1")]) };
}
