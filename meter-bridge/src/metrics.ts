/**
 * Prometheus metrics of the bridge (issue 5, observability). One registry per Node-RED runtime
 * (bridgeMetrics(key)); the nodes call one function per event and never touch prom-client. The
 * registry's text is served at GET /nachbarstrom/metrics (nodes/lib/metrics.js).
 */
import { REJECTION_REASONS } from "@nachbarstrom/core";
import { Counter, Gauge, Registry } from "prom-client";
import { rejectionCategory } from "./rejection-codes.ts";

export { rejectionCategory } from "./rejection-codes.ts";

export type BridgeMetrics = {
  /** A message reached the reading node (it may hold several readings). */
  messageReceived(): void;
  readingAccepted(): void;
  /** A reading or message was rejected; the label is rejectionCategory(reason). */
  readingRejected(reason: string): void;
  readingDuplicate(): void;
  /** Several bridge processes: a reading decoded here went to the relay for the holder of its neighbourhood. */
  readingRelayed(): void;
  intervalClosed(closedBy: string): void;
  /** A batch of the outbox was taken up for submission. */
  batchSubmitted(): void;
  /** A batch was confirmed on chain; `alreadySettled` when an earlier transaction had settled it. */
  batchConfirmed(alreadySettled: boolean): void;
  batchRetried(): void;
  batchFailed(): void;
  /** Batches of the outbox not yet confirmed (pending and submitted). */
  setOutboxDepth(depth: number): void;
  /** Messages in the inbox: received and acknowledged, their readings not yet all stored. */
  setInboxDepth(depth: number): void;
  /** The registry's content in the Prometheus text format. */
  text(): Promise<string>;
  contentType: string;
  registry: Registry;
};

export function createBridgeMetrics(): BridgeMetrics {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name: `nachbarstrom_bridge_${name}`, help, labelNames, registers: [registry] });

  const received = counter("messages_received_total", "Messages that reached the reading node.");
  const accepted = counter("readings_accepted_total", "Readings passed on as valid.");
  const rejected = counter("readings_rejected_total", "Readings or messages rejected, by reason category.", ["reason"]);
  const duplicates = counter("readings_duplicate_total", "Repeated readings, counted and dropped.");
  const relayed = counter(
    "readings_relayed_total",
    "Readings decoded by this process for a neighbourhood another bridge process holds (ADR 0011).",
  );
  const closed = counter("intervals_closed_total", "15-minute intervals closed into a batch.", ["closed_by"]);
  const submitted = counter("batches_submitted_total", "Outbox batches taken up for settlement.");
  const confirmed = counter("batches_confirmed_total", "Batches confirmed as settled on chain.", ["outcome"]);
  const retried = counter("batches_retried_total", "Settlement attempts retried while the chain was unreachable.");
  const failed = counter("batches_failed_total", "Batches that failed for a reason retrying will not fix.");
  const depth = new Gauge({
    name: "nachbarstrom_bridge_outbox_depth",
    help: "Batches in the outbox not yet confirmed (pending and submitted).",
    registers: [registry],
  });
  const inbox = new Gauge({
    name: "nachbarstrom_bridge_inbox_depth",
    help: "Messages received and acknowledged whose readings are not yet all stored.",
    registers: [registry],
  });
  // Every category appears from the start at 0, so rate() and alerts see the series before the first fault.
  for (const reason of REJECTION_REASONS) rejected.inc({ reason }, 0);
  for (const closedBy of ["complete", "grace"]) closed.inc({ closed_by: closedBy }, 0);
  for (const outcome of ["settled", "already_settled"]) confirmed.inc({ outcome }, 0);

  return {
    messageReceived: () => received.inc(),
    readingAccepted: () => accepted.inc(),
    readingRejected: (reason) => rejected.inc({ reason: rejectionCategory(reason) }),
    readingDuplicate: () => duplicates.inc(),
    readingRelayed: () => relayed.inc(),
    intervalClosed: (closedBy) => closed.inc({ closed_by: closedBy === "grace" ? "grace" : "complete" }),
    batchSubmitted: () => submitted.inc(),
    batchConfirmed: (alreadySettled) => confirmed.inc({ outcome: alreadySettled ? "already_settled" : "settled" }),
    batchRetried: () => retried.inc(),
    batchFailed: () => failed.inc(),
    setOutboxDepth: (value) => depth.set(value),
    setInboxDepth: (value) => inbox.set(value),
    text: () => registry.metrics(),
    contentType: registry.contentType,
    registry,
  };
}

const byRuntime = new WeakMap<object, BridgeMetrics>();

/** The metrics of one runtime: every node of the bridge that passes the same key shares them. */
export function bridgeMetrics(runtime: object): BridgeMetrics {
  let metrics = byRuntime.get(runtime);
  if (!metrics) {
    metrics = createBridgeMetrics();
    byRuntime.set(runtime, metrics);
  }
  return metrics;
}
