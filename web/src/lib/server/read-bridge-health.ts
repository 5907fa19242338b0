import { summariseBridgeMetrics, type BridgeSummary } from "./bridge-health.ts";
import { BRIDGE_METRICS_PATH, BridgeMetricsInvalidError } from "./bridge-metrics.ts";

/** Environment variable with the bridge's base URL (its Node-RED httpNodeRoot), e.g. http://127.0.0.1:1880/. */
export const BRIDGE_URL_ENV = "NACHBARSTROM_BRIDGE_URL";
/** How long the console waits for the bridge before it calls it unreachable. */
export const BRIDGE_TIMEOUT_MS = 3_000;

/** Why the portal does not know where the bridge is. */
export type BridgeConfigProblem = "unset" | "invalid-url";
/** Why the portal could not read the bridge's metrics. */
export type BridgeReadProblem = "timeout" | "network" | "http-status" | "not-json" | "invalid";

/** What the console knows about the bridge: its summary, or why there is none. `readAt` is an ISO instant. */
export type BridgeHealth =
  | { state: "not-configured"; problem: BridgeConfigProblem; details: string }
  | {
      state: "unreachable";
      problem: BridgeReadProblem;
      source: string;
      readAt: string;
      httpStatus?: number;
      details: string;
    }
  | ({ source: string; readAt: string } & BridgeSummary);

export type ReadBridgeHealthParameters = {
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  now?: () => Date;
};

type Target = { url: URL; headers: Record<string, string> };

/** The metrics URL under the bridge's base URL; user and password in it become a Basic auth header. */
function metricsTarget(base: string): Target | undefined {
  let url: URL;
  try {
    url = new URL(BRIDGE_METRICS_PATH, base.endsWith("/") ? base : `${base}/`);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const headers: Record<string, string> = { accept: "application/json" };
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return { url, headers };
}

/** The technical reason of a failed fetch: Node's error code (ECONNREFUSED …) where there is one. */
function fetchFailure(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = (inner as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${inner.message}` : inner.message;
  }
  return String(inner);
}

/**
 * Reads GET <NACHBARSTROM_BRIDGE_URL>/nachbarstrom/metrics.json and summarises it. Never throws for
 * the bridge's sake: an unset variable, a slow, down or confused bridge each become a state with a reason.
 */
export async function readBridgeHealth({
  env = process.env,
  fetch = globalThis.fetch,
  timeoutMs = BRIDGE_TIMEOUT_MS,
  now = () => new Date(),
}: ReadBridgeHealthParameters = {}): Promise<BridgeHealth> {
  const base = env[BRIDGE_URL_ENV];
  if (!base) {
    return { state: "not-configured", problem: "unset", details: `${BRIDGE_URL_ENV} is not set` };
  }
  const target = metricsTarget(base);
  if (!target) {
    return {
      state: "not-configured",
      problem: "invalid-url",
      details: `${BRIDGE_URL_ENV} is not an http(s) URL (got "${base.replace(/\/\/[^@/]*@/, "//…@")}")`,
    };
  }
  const source = target.url.href;
  const unreachable = (problem: BridgeReadProblem, details: string, httpStatus?: number): BridgeHealth => {
    console.error(`[web] bridge metrics ${source}: ${details}`);
    return { state: "unreachable", problem, source, readAt: now().toISOString(), details, httpStatus };
  };

  let text: string;
  try {
    const response = await fetch(target.url, { headers: target.headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      return unreachable("http-status", `HTTP ${response.status} ${response.statusText}`.trim(), response.status);
    }
    text = await response.text();
  } catch (cause) {
    if (cause instanceof Error && cause.name === "TimeoutError") {
      return unreachable("timeout", `no answer within ${timeoutMs} ms`);
    }
    return unreachable("network", fetchFailure(cause));
  }
  const readAt = now().toISOString();

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return unreachable("not-json", `the answer is not JSON: ${(cause as Error).message}`);
  }
  try {
    return { source, readAt, ...summariseBridgeMetrics(json) };
  } catch (cause) {
    if (!(cause instanceof BridgeMetricsInvalidError)) throw cause;
    return unreachable("invalid", `${cause.shortMessage}: ${cause.details}`);
  }
}
