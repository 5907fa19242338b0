import { NachbarstromError } from "@nachbarstrom/core";

/**
 * The type-length-value encoding of SML 1.04 (BSI TR-03109-1, Anlage IIIa): one TL byte
 * `m ttt llll` (m: another length byte follows, ttt: 000 octet string, 100 boolean, 101 integer,
 * 110 unsigned, 111 list), the length counting the TL bytes themselves except for lists, where it is
 * the number of elements; 0x00 ends a message and 0x01 is an absent optional value.
 */

export type SmlValue =
  | { kind: "octets"; bytes: Uint8Array }
  | { kind: "boolean"; value: boolean }
  | { kind: "integer"; value: bigint }
  | { kind: "unsigned"; value: bigint }
  | { kind: "list"; items: SmlValue[] }
  | { kind: "absent" }
  | { kind: "end" };

/** A malformed TLV structure; `offset` is the byte position in the unescaped message data. */
export class SmlSyntaxError extends NachbarstromError {
  override name = "SmlSyntaxError";
  readonly offset: number;
  constructor(problem: string, offset: number) {
    super(`${problem} at byte ${offset}`);
    this.offset = offset;
  }
}

const MAX_DEPTH = 16;
const MAX_ELEMENTS = 10_000;

/** Reads consecutive SML values from unescaped message data. */
export function createTlvReader(data: Uint8Array) {
  let offset = 0;
  let elements = 0;

  function read(depth: number): SmlValue {
    const start = offset;
    if (offset >= data.length) throw new SmlSyntaxError("data ends where a value should begin", start);
    if (++elements > MAX_ELEMENTS) throw new SmlSyntaxError(`more than ${MAX_ELEMENTS} values`, start);
    const first = data[offset++];
    if (first === 0x00) return { kind: "end" };
    const type = (first >> 4) & 0x07;
    let length = first & 0x0f;
    let more = (first & 0x80) !== 0;
    let tlBytes = 1;
    while (more) {
      if (offset >= data.length) throw new SmlSyntaxError("data ends inside a length field", start);
      const next = data[offset++];
      if ((next & 0x70) !== 0) throw new SmlSyntaxError(`length continuation byte 0x${hex(next)} has type bits`, start);
      length = (length << 4) | (next & 0x0f);
      more = (next & 0x80) !== 0;
      if (++tlBytes > 4) throw new SmlSyntaxError("length field longer than 4 bytes", start);
    }
    if (type === 0x07) {
      if (depth >= MAX_DEPTH) throw new SmlSyntaxError(`lists nested deeper than ${MAX_DEPTH}`, start);
      const items: SmlValue[] = [];
      for (let i = 0; i < length; i++) items.push(read(depth + 1));
      return { kind: "list", items };
    }
    if (first === 0x01) return { kind: "absent" };
    const size = length - tlBytes;
    if (size < 0) throw new SmlSyntaxError(`length ${length} is shorter than its ${tlBytes} TL bytes`, start);
    if (offset + size > data.length) {
      throw new SmlSyntaxError(`a value of ${size} bytes runs past the end of the data`, start);
    }
    const bytes = data.subarray(offset, offset + size);
    offset += size;
    switch (type) {
      case 0x00:
        return { kind: "octets", bytes };
      case 0x04:
        if (size !== 1) throw new SmlSyntaxError(`boolean of ${size} bytes`, start);
        return { kind: "boolean", value: bytes[0] !== 0 };
      case 0x05:
      case 0x06: {
        if (size < 1 || size > 8) throw new SmlSyntaxError(`integer of ${size} bytes`, start);
        let value = 0n;
        for (const byte of bytes) value = (value << 8n) | BigInt(byte);
        if (type === 0x05) return { kind: "integer", value: BigInt.asIntN(size * 8, value) };
        return { kind: "unsigned", value };
      }
      default:
        throw new SmlSyntaxError(`unknown TL type ${type} (byte 0x${hex(first)})`, start);
    }
  }

  return {
    read: () => read(0),
    get offset() {
      return offset;
    },
    get done() {
      return offset >= data.length;
    },
  };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
