/**
 * The offline year across worker threads: the year is cut into consecutive ranges of whole days,
 * one per worker. A worker first runs the household model (not the settlement) from the start of
 * the year to its range, so its meters carry the same sub-Wh remainders as a single run's; the
 * sums are whole numbers, so adding the workers' sums gives exactly what simulateYear gives.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { NachbarstromError } from "@nachbarstrom/core";
import type { Scenario } from "./scenario.ts";
import type { RangeSums, SettleRangeParameters } from "./year-range.ts";
import { yearRange, yearResult, type YearResult } from "./year.ts";

export type SimulateYearParallelParameters = {
  scenario: Scenario;
  /** Worker threads; default: the cores available, at most 8. */
  workers?: number;
  startUnix?: number;
  intervals?: number;
  /** Called whenever a worker reports a day done. */
  onProgress?: (done: number, total: number) => void;
};

/** What a worker is sent: a range without the callbacks. */
export type WorkerTask = Omit<SettleRangeParameters, "onInterval" | "onProgress">;
/** What a worker sends back: progress, then its sums or the error. */
export type WorkerMessage =
  { kind: "progress"; done: number } | { kind: "done"; sums: RangeSums } | { kind: "failed"; message: string };

const WORKER = new URL("./year-worker.ts", import.meta.url);

export async function simulateYearParallel(parameters: SimulateYearParallelParameters): Promise<YearResult> {
  const { scenario, onProgress } = parameters;
  const { startUnix, intervals } = yearRange(scenario, parameters.startUnix, parameters.intervals);
  const days = Math.ceil(intervals / 96);
  const workers = Math.max(1, Math.min(parameters.workers ?? Math.min(availableParallelism(), 8), days));
  const done = new Array<number>(workers).fill(0);
  const tasks = Array.from({ length: workers }, (_, w): WorkerTask => {
    const first = Math.floor((w * days) / workers) * 96;
    const last = Math.min(Math.floor(((w + 1) * days) / workers) * 96, intervals);
    return { scenario, fromUnix: startUnix, startUnix: startUnix + first * 900, intervals: last - first };
  });
  const results = await Promise.all(
    tasks.map((task, w) =>
      runWorker(task, (count) => {
        done[w] = count;
        onProgress?.(
          done.reduce((a, b) => a + b, 0),
          intervals,
        );
      }),
    ),
  );
  const merged: RangeSums = { sums: results[0].sums, series: results[0].series };
  for (const { sums, series } of results.slice(1)) {
    sums.forEach((value, i) => (merged.sums[i] += value));
    series.forEach((value, i) => (merged.series[i] += value));
  }
  onProgress?.(intervals, intervals);
  return yearResult(scenario, startUnix, intervals, merged);
}

function runWorker(task: WorkerTask, progress: (done: number) => void): Promise<RangeSums> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: task });
    let settled = false;
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "progress") progress(message.done);
      else if (message.kind === "done") ((settled = true), resolve(message.sums));
      else ((settled = true), reject(new NachbarstromError("a year worker failed", { details: message.message })));
    });
    worker.on("error", (cause) => {
      settled = true;
      reject(new NachbarstromError("a year worker failed", { details: cause.message, cause }));
    });
    worker.on("exit", (code) => {
      if (!settled) reject(new NachbarstromError(`a year worker exited with code ${code} before it finished`));
    });
  });
}
