/**
 * Machine-readable codes for the reasons the meter bridge rejects a reading (issue 5, dead letters and
 * metrics). Shared because the bridge labels its rejection counter with them and the portal's bridge
 * page reads that counter back and explains each code; the bridge maps its reason texts onto them
 * (meter-bridge/src/rejection-codes.ts).
 */

/**
 * The short, fixed categories of a rejection: the `code` of every rejection message and the `reason`
 * label of the rejection counter, in the order the bridge reports them. The full reason stays on the
 * rejection message.
 */
export const REJECTION_REASONS = [
  "topic",
  "json",
  "schema",
  "unknown_meter",
  "sequence",
  "crc",
  "signature",
  "late",
  "config",
  "format",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
