/**
 * Fault injection for the crash tests (test/e2e/bridge-faults.test.ts): with NACHBARSTROM_FAULT set to
 * `<point>:<n>`, the bridge process kills itself with SIGKILL the n-th time it reaches that point — no
 * cleanup, no WAL checkpoint, like a power cut. Where it died is appended to NACHBARSTROM_FAULT_LOG first.
 * Without the variable (in production) faultPoint() does nothing.
 */
import { appendFileSync } from "node:fs";
import { BridgeConfigurationError } from "./errors.ts";

export const FAULT_ENV = "NACHBARSTROM_FAULT";
export const FAULT_LOG_ENV = "NACHBARSTROM_FAULT_LOG";

export const FAULT_POINTS = [
  /** A reading reached the reading node (acknowledged to the broker), not yet stored. */
  "after-receive",
  /** A group of readings was committed to the database. */
  "after-store",
  /** A closed interval's batch was committed to the outbox. */
  "after-batch",
  /** A transaction was signed and stored, not yet broadcast. */
  "after-sign",
  /** A transaction was broadcast, its receipt not yet read. */
  "after-broadcast",
  /** The interval is settled on chain; the outbox does not know yet. */
  "before-confirmation",
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

type Plan = { point: FaultPoint; nth: number; log: string | undefined };

function parsePlan(value: string | undefined): Plan | undefined {
  if (!value) return undefined;
  const match = /^([a-z-]+):([1-9]\d*)$/.exec(value);
  if (!match || !FAULT_POINTS.includes(match[1] as FaultPoint)) {
    throw new BridgeConfigurationError(`Invalid ${FAULT_ENV} ${JSON.stringify(value)}`, {
      details: `expected <point>:<n>, point one of ${FAULT_POINTS.join(", ")}`,
    });
  }
  return { point: match[1] as FaultPoint, nth: Number(match[2]), log: process.env[FAULT_LOG_ENV] };
}

const plan = parsePlan(process.env[FAULT_ENV]);
let reached = 0;

/** Marks a point where a crash must lose nothing; kills the process there when the plan says so. */
export function faultPoint(point: FaultPoint, where = ""): void {
  if (plan?.point !== point || ++reached !== plan.nth) return;
  if (plan.log) appendFileSync(plan.log, `${JSON.stringify({ point, where })}\n`);
  process.kill(process.pid, "SIGKILL");
}
