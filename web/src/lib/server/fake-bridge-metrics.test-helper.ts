/**
 * A payload of GET /nachbarstrom/metrics.json as the bridge serves it (captured from
 * createBridgeMetrics() in meter-bridge/src/metrics.ts), with the counts filled in by the caller.
 */
export type FakeCounts = {
  received?: number;
  accepted?: number;
  rejected?: Partial<Record<string, number>>;
  duplicate?: number;
  closedComplete?: number;
  closedGrace?: number;
  submitted?: number;
  settled?: number;
  alreadySettled?: number;
  retried?: number;
  failed?: number;
  outboxDepth?: number;
};

const REASONS = [
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
];

export function fakeBridgeMetrics(counts: FakeCounts = {}): unknown[] {
  const single = (name: string, help: string, value = 0, type = "counter") => ({
    help,
    name: `nachbarstrom_bridge_${name}`,
    type,
    values: [{ value, labels: {} }],
    aggregator: "sum",
  });
  const rejected = { ...Object.fromEntries(REASONS.map((r) => [r, 0])), ...counts.rejected };
  return [
    single("messages_received_total", "Messages that reached the reading node.", counts.received),
    single("readings_accepted_total", "Readings passed on as valid.", counts.accepted),
    {
      help: "Readings or messages rejected, by reason category.",
      name: "nachbarstrom_bridge_readings_rejected_total",
      type: "counter",
      values: Object.entries(rejected).map(([reason, value]) => ({ value, labels: { reason } })),
      aggregator: "sum",
    },
    single("readings_duplicate_total", "Repeated readings, counted and dropped.", counts.duplicate),
    {
      help: "15-minute intervals closed into a batch.",
      name: "nachbarstrom_bridge_intervals_closed_total",
      type: "counter",
      values: [
        { value: counts.closedComplete ?? 0, labels: { closed_by: "complete" } },
        { value: counts.closedGrace ?? 0, labels: { closed_by: "grace" } },
      ],
      aggregator: "sum",
    },
    single("batches_submitted_total", "Outbox batches taken up for settlement.", counts.submitted),
    {
      help: "Batches confirmed as settled on chain.",
      name: "nachbarstrom_bridge_batches_confirmed_total",
      type: "counter",
      values: [
        { value: counts.settled ?? 0, labels: { outcome: "settled" } },
        { value: counts.alreadySettled ?? 0, labels: { outcome: "already_settled" } },
      ],
      aggregator: "sum",
    },
    single("batches_retried_total", "Settlement attempts retried while the chain was unreachable.", counts.retried),
    single("batches_failed_total", "Batches that failed for a reason retrying will not fix.", counts.failed),
    single(
      "outbox_depth",
      "Batches in the outbox not yet confirmed (pending and submitted).",
      counts.outboxDepth,
      "gauge",
    ),
  ];
}
