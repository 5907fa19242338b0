/** Worker thread of simulateYearParallel: settles one range of the year and posts its sums back. */
import { parentPort, workerData } from "node:worker_threads";
import type { WorkerMessage, WorkerTask } from "./year-parallel.ts";
import { settleRange } from "./year-range.ts";

const port = parentPort;
if (port === null) throw new Error("year-worker.ts runs only as a worker thread");
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const sums = settleRange({ ...(workerData as WorkerTask), onProgress: (done) => post({ kind: "progress", done }) });
  post({ kind: "done", sums }, [sums.sums.buffer as ArrayBuffer, sums.series.buffer as ArrayBuffer]);
} catch (error) {
  post({ kind: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
