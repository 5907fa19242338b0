import { NachbarstromError } from "@nachbarstrom/core/errors";

/**
 * The bridge's metrics as GET <bridge>/nachbarstrom/metrics.json serves them: prom-client's
 * `registry.getMetricsAsJSON()` (meter-bridge/src/metrics.ts names every metric).
 */
export const BRIDGE_METRICS_PATH = "nachbarstrom/metrics.json";

/** The metrics the console reads, with the type each must have. Others (process metrics, say) are ignored. */
export const BRIDGE_METRIC_TYPES = {
  nachbarstrom_bridge_messages_received_total: "counter",
  nachbarstrom_bridge_readings_accepted_total: "counter",
  nachbarstrom_bridge_readings_rejected_total: "counter",
  nachbarstrom_bridge_readings_duplicate_total: "counter",
  nachbarstrom_bridge_intervals_closed_total: "counter",
  nachbarstrom_bridge_batches_submitted_total: "counter",
  nachbarstrom_bridge_batches_confirmed_total: "counter",
  nachbarstrom_bridge_batches_retried_total: "counter",
  nachbarstrom_bridge_batches_failed_total: "counter",
  nachbarstrom_bridge_outbox_depth: "gauge",
} as const;
export type BridgeMetricName = keyof typeof BRIDGE_METRIC_TYPES;

/** One series of a metric: its value and its labels. */
export type MetricSample = { value: number; labels: Readonly<Record<string, string>> };
/** Every series of each metric the console reads. */
export type BridgeMetrics = Readonly<Record<BridgeMetricName, readonly MetricSample[]>>;

/** The bridge answered with something that is not its metrics; `details` names the field and the value. */
export class BridgeMetricsInvalidError extends NachbarstromError {
  override name = "BridgeMetricsInvalidError";
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A value for a message: JSON where it can be, cut short so a huge answer does not flood the page. */
function shown(value: unknown): string {
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function invalid(path: string, expected: string, got: unknown): never {
  throw new BridgeMetricsInvalidError("The bridge's metrics are not in the expected shape", {
    details: `${path}: expected ${expected} (got ${shown(got)})`,
  });
}

function parseSample(sample: unknown, path: string): MetricSample {
  if (!isRecord(sample)) invalid(path, "an object with value and labels", sample);
  const { value, labels = {} } = sample;
  // Every metric the console reads counts something (readings, batches), so it is a whole number ≥ 0.
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    invalid(`${path}.value`, "a whole number ≥ 0", value);
  }
  if (!isRecord(labels)) invalid(`${path}.labels`, "an object", labels);
  const parsed: Record<string, string> = {};
  for (const [label, labelValue] of Object.entries(labels)) {
    if (typeof labelValue !== "string" && typeof labelValue !== "number") {
      invalid(`${path}.labels.${label}`, "a string or number", labelValue);
    }
    parsed[label] = String(labelValue);
  }
  return { value, labels: parsed };
}

/**
 * Validates the JSON of GET /nachbarstrom/metrics.json and returns the series of every metric the
 * console reads. Throws BridgeMetricsInvalidError naming the first field that is wrong, or the missing metric.
 */
export function parseBridgeMetrics(json: unknown): BridgeMetrics {
  if (!Array.isArray(json)) invalid("(root)", "an array of metrics", json);
  const found = new Map<BridgeMetricName, MetricSample[]>();
  json.forEach((metric: unknown, index) => {
    const path = `[${index}]`;
    if (!isRecord(metric)) invalid(path, "an object with name, type and values", metric);
    if (typeof metric.name !== "string") invalid(`${path}.name`, "a string", metric.name);
    if (!Object.hasOwn(BRIDGE_METRIC_TYPES, metric.name)) return;
    const name = metric.name as BridgeMetricName;
    const named = `${path} (${name})`;
    if (found.has(name)) {
      throw new BridgeMetricsInvalidError("The bridge's metrics are not in the expected shape", {
        details: `${named}: reported a second time`,
      });
    }
    if (metric.type !== BRIDGE_METRIC_TYPES[name])
      invalid(`${named}.type`, `"${BRIDGE_METRIC_TYPES[name]}"`, metric.type);
    if (!Array.isArray(metric.values)) invalid(`${named}.values`, "an array", metric.values);
    found.set(
      name,
      metric.values.map((sample: unknown, i) => parseSample(sample, `${named}.values[${i}]`)),
    );
  });
  const metrics = {} as Record<BridgeMetricName, readonly MetricSample[]>;
  const missing: string[] = [];
  for (const name of Object.keys(BRIDGE_METRIC_TYPES) as BridgeMetricName[]) {
    const samples = found.get(name);
    if (samples) metrics[name] = samples;
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new BridgeMetricsInvalidError("The bridge's metrics are incomplete", {
      details: `missing: ${missing.join(", ")}`,
    });
  }
  return metrics;
}
