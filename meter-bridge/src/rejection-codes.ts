/** Machine-readable codes for the reasons a reading is rejected (issue 5, dead letters and metrics). */

/**
 * The short, fixed categories of a rejection: the `code` of every rejection message and the `reason`
 * label of the rejection counter. The full reason stays on the rejection message.
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

/** First match wins; a reason none of these matches is a "format" fault of the message's own format. */
const CATEGORIES: [RejectionReason, RegExp][] = [
  ["topic", /^topic "/],
  ["json", /not valid JSON|not a JSON object/],
  ["signature", /signature|signer/i],
  ["crc", /\b(CRC|BCC)\b/],
  ["unknown_meter", /^unknown (metering point|neighbourhood)|is registered in several neighbourhoods/],
  ["sequence", /^(importWh|exportWh) (decreased|out of order|implausible)|^conflicts with the reading/],
  ["late", /^late: |^out of order: /],
  ["schema", /^[\w.[\]]+: .* \(got .*\)$/],
  ["config", /^no [\w-]+ settings are configured|^a configured meter has no|has no (importField|exportField)/],
];

/** The `reason` label of a rejection: its category, never the free text (which would grow the series). */
export function rejectionCategory(reason: string): RejectionReason {
  for (const [category, pattern] of CATEGORIES) if (pattern.test(reason)) return category;
  return "format";
}
