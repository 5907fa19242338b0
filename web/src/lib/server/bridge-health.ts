import { REJECTION_REASONS, type RejectionReason } from "@nachbarstrom/core";
import { parseBridgeMetrics, type BridgeMetricName, type BridgeMetrics } from "./bridge-metrics.ts";

/** Rejections of one category; `known` tells whether the portal can explain the category. */
export type RejectionCount =
  { known: true; reason: RejectionReason; count: number } | { known: false; reason: string; count: number };

/**
 * Batches waiting in the outbox above which the bridge needs attention: 4 batches are one hour of
 * one neighbourhood's 15-minute intervals. In normal operation the outbox holds at most the batch
 * being confirmed per neighbourhood; more means settlement is falling behind (chain down, bridge
 * account without gas or role).
 */
export const OUTBOX_ATTENTION_DEPTH = 4;

/** Why the bridge needs attention: batches failed for good, or the outbox is backing up. */
export type BridgeAttention = "failed" | "outbox";

/** What the bridge has done since it started (its counters start at 0 on every start). */
export type BridgeFigures = {
  messagesReceived: number;
  readingsAccepted: number;
  readingsRejected: number;
  /** Every known rejection category in the bridge's order, then any other the bridge reports. */
  rejectedByReason: readonly RejectionCount[];
  readingsDuplicate: number;
  intervalsClosedComplete: number;
  intervalsClosedGrace: number;
  batchesSubmitted: number;
  batchesSettled: number;
  batchesAlreadySettled: number;
  batchesRetried: number;
  batchesFailed: number;
  outboxDepth: number;
};

export type BridgeSummary = {
  state: "healthy" | "attention";
  /** Empty when healthy. */
  attention: readonly BridgeAttention[];
  figures: BridgeFigures;
};

/** The sum of a metric's series, or of those whose `label` is `value`. */
function sum(metrics: BridgeMetrics, name: BridgeMetricName, label?: [string, string]): number {
  return metrics[name]
    .filter((sample) => label === undefined || sample.labels[label[0]] === label[1])
    .reduce((total, sample) => total + sample.value, 0);
}

function rejectedByReason(metrics: BridgeMetrics): RejectionCount[] {
  const counts = new Map<string, number>(REJECTION_REASONS.map((reason) => [reason, 0]));
  const others = new Set<string>();
  for (const { value, labels } of metrics.nachbarstrom_bridge_readings_rejected_total) {
    const reason = labels.reason ?? "";
    if (!counts.has(reason)) others.add(reason);
    counts.set(reason, (counts.get(reason) ?? 0) + value);
  }
  const known = REJECTION_REASONS.map((reason) => ({ known: true as const, reason, count: counts.get(reason)! }));
  const unknown = [...others].sort().map((reason) => ({ known: false as const, reason, count: counts.get(reason)! }));
  return [...known, ...unknown];
}

/** Why the figures need attention; empty when the bridge is healthy. */
export function bridgeAttention(figures: Pick<BridgeFigures, "batchesFailed" | "outboxDepth">): BridgeAttention[] {
  const attention: BridgeAttention[] = [];
  if (figures.batchesFailed > 0) attention.push("failed");
  if (figures.outboxDepth > OUTBOX_ATTENTION_DEPTH) attention.push("outbox");
  return attention;
}

/**
 * Summarises the JSON of GET /nachbarstrom/metrics.json for the operator console. Pure: validates
 * (BridgeMetricsInvalidError names what is wrong), adds up the series, and judges the state.
 */
export function summariseBridgeMetrics(json: unknown): BridgeSummary {
  const metrics = parseBridgeMetrics(json);
  const figures: BridgeFigures = {
    messagesReceived: sum(metrics, "nachbarstrom_bridge_messages_received_total"),
    readingsAccepted: sum(metrics, "nachbarstrom_bridge_readings_accepted_total"),
    readingsRejected: sum(metrics, "nachbarstrom_bridge_readings_rejected_total"),
    rejectedByReason: rejectedByReason(metrics),
    readingsDuplicate: sum(metrics, "nachbarstrom_bridge_readings_duplicate_total"),
    intervalsClosedComplete: sum(metrics, "nachbarstrom_bridge_intervals_closed_total", ["closed_by", "complete"]),
    intervalsClosedGrace: sum(metrics, "nachbarstrom_bridge_intervals_closed_total", ["closed_by", "grace"]),
    batchesSubmitted: sum(metrics, "nachbarstrom_bridge_batches_submitted_total"),
    batchesSettled: sum(metrics, "nachbarstrom_bridge_batches_confirmed_total", ["outcome", "settled"]),
    batchesAlreadySettled: sum(metrics, "nachbarstrom_bridge_batches_confirmed_total", ["outcome", "already_settled"]),
    batchesRetried: sum(metrics, "nachbarstrom_bridge_batches_retried_total"),
    batchesFailed: sum(metrics, "nachbarstrom_bridge_batches_failed_total"),
    outboxDepth: sum(metrics, "nachbarstrom_bridge_outbox_depth"),
  };
  const attention = bridgeAttention(figures);
  return { state: attention.length > 0 ? "attention" : "healthy", attention, figures };
}
