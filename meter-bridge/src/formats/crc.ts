/** The two CRC-16 variants meters use. Check values (over "123456789"): ARC 0xBB3D, X-25 0x906E. */

/** CRC-16/ARC (poly 0x8005 reflected, init 0): the checksum after "!" in a DSMR P1 telegram. */
export function crc16Arc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** CRC-16/X-25 (poly 0x1021 reflected, init and xorout 0xFFFF): the checksum of an SML transport frame. */
export function crc16X25(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc ^ 0xffff;
}

/** "0x1A2B" */
export function hex16(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, "0")}`;
}
