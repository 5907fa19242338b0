/**
 * How the bridge files a rejection under one of the shared codes (REJECTION_REASONS in
 * @nachbarstrom/core, which the portal's bridge page reads back). The patterns match this bridge's own
 * reason texts, so they stay here.
 */
import type { RejectionReason } from "@nachbarstrom/core";

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
