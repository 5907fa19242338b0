import { getAddress, type Address } from "viem";

const addressPattern = /^0x[0-9a-fA-F]{40}$/;

/**
 * An account address from a URL or form: 0x and 40 hex digits, any case (no checksum is required,
 * since people copy addresses in lower case). Returns the checksummed address, or undefined.
 */
export function parseAddress(input: string): Address | undefined {
  return addressPattern.test(input) ? getAddress(input.toLowerCase()) : undefined;
}
