import { crc16X25 } from "../../../meter-bridge/src/formats/crc.ts";
import type { EncodedMessage, MeterRegisters } from "./registers.ts";

const ESCAPE = [0x1b, 0x1b, 0x1b, 0x1b];
const OBIS_IMPORT = [0x01, 0x00, 0x01, 0x08, 0x00, 0xff];
const OBIS_EXPORT = [0x01, 0x00, 0x02, 0x08, 0x00, 0xff];
const WH = 30;
const ABSENT = [0x01];

/**
 * An SML 1.04 file as an optical reading head forwards it, raw, to `meters/sml/<device>`: transport
 * frame `1b1b1b1b 01010101`, three messages (Open.Res, GetList.Res, Close.Res, each with its
 * CRC-16/X-25), fill bytes to a multiple of 4, `1b1b1b1b 1a <fill count>` and the file's CRC-16/X-25,
 * low byte first. The registers are 1-0:1.8.0 and 2.8.0 in 0.1 Wh (unit 30, scaler −1) as eHZ meters
 * send them. SML carries no clock time: the bridge times the reading by its arrival.
 */
export function encodeSml(meter: { device: string; serverId: Uint8Array }, registers: MeterRegisters): EncodedMessage {
  const serverId = [...meter.serverId];
  const transaction = (n: number) => octets([0x53, 0x49, 0x4d, n]); // "SIM" + message number
  const open = message(
    transaction(1),
    0x0101,
    list([ABSENT, ABSENT, octets([0x4e, 0x53]), octets(serverId), ABSENT, ABSENT]),
  );
  const entry = (obis: number[], wh: bigint) =>
    list([octets(obis), ABSENT, ABSENT, unsigned8(WH), integer8(-1), integer64(wh * 10n), ABSENT]);
  const getList = message(
    transaction(2),
    0x0701,
    list([
      ABSENT,
      octets(serverId),
      ABSENT,
      ABSENT,
      list([entry(OBIS_IMPORT, registers.importWh), entry(OBIS_EXPORT, registers.exportWh)]),
      ABSENT,
      ABSENT,
    ]),
  );
  const close = message(transaction(3), 0x0201, list([ABSENT]));
  const data = [...open, ...getList, ...close];
  const fill = (4 - (data.length % 4)) % 4;
  for (let i = 0; i < fill; i++) data.push(0x00);
  const file = [...ESCAPE, 0x01, 0x01, 0x01, 0x01, ...escaped(data), ...ESCAPE, 0x1a, fill];
  const crc = crc16X25(Uint8Array.from(file));
  file.push(crc & 0xff, crc >>> 8);
  return { topic: `meters/sml/${meter.device}`, payload: Uint8Array.from(file) };
}

/** A message: transaction id, group 0, abort-on-error 0, body (tag and content), its CRC, end of message. */
function message(transactionId: number[], tag: number, content: number[]): number[] {
  const start = [0x76, ...transactionId, ...unsigned8(0), ...unsigned8(0), ...list([unsigned16(tag), content])];
  const crc = crc16X25(Uint8Array.from(start));
  return [...start, ...unsigned16(crc), 0x00];
}

/** A list TL byte (type 111, length = number of elements) followed by the elements. */
function list(items: number[][]): number[] {
  if (items.length > 15) throw new RangeError(`an SML list of ${items.length} elements needs a longer TL field`);
  return [0x70 | items.length, ...items.flat()];
}

/** An octet string; its length counts the TL byte (one byte up to 14 octets). */
function octets(bytes: number[]): number[] {
  if (bytes.length > 14) throw new RangeError(`an SML octet string of ${bytes.length} bytes needs a longer TL field`);
  return [bytes.length + 1, ...bytes];
}

function unsigned8(value: number): number[] {
  return [0x62, value];
}

function unsigned16(value: number): number[] {
  return [0x63, value >>> 8, value & 0xff];
}

function integer8(value: number): number[] {
  return [0x52, value & 0xff];
}

function integer64(value: bigint): number[] {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  return [0x59, ...bytes];
}

/** Doubles every 4-byte word of the data that equals the escape sequence, as the transport layer requires. */
function escaped(data: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const word = data.slice(i, i + 4);
    if (word.length === 4 && word.every((b) => b === 0x1b)) out.push(...ESCAPE);
    out.push(...word);
  }
  return out;
}
