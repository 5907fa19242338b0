import type { EventEmitter } from "node:events";
import { BridgeStartError } from "./errors.ts";

type StartedEvent = { config?: { rev?: string } };
type RuntimeEvent = { id?: string; payload?: { error?: string; type?: string; types?: string[]; text?: string } };

export type FlowStartWatch = {
  /** Resolves once flows with revision `rev` (any revision when undefined) have started. */
  started(rev: string | undefined, timeoutMs?: number): Promise<void>;
  dispose(): void;
};

/**
 * Watches Node-RED's runtime events from before the runtime starts, so no start is missed: RED.start()
 * and the runtime API's setFlows() both resolve before the flows have actually started.
 */
export function watchFlowStarts(events: EventEmitter): FlowStartWatch {
  const startedRevs: string[] = [];
  let failure: BridgeStartError | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());

  const onStarted = (event: StartedEvent) => {
    startedRevs.push(event.config?.rev ?? "");
    notify();
  };
  const onRuntime = (event: RuntimeEvent) => {
    const error = event.payload?.error;
    if (event.id === "runtime-state" && (error === "missing-types" || error === "missing-modules")) {
      failure = new BridgeStartError("The bridge flow cannot start", {
        details: `Node-RED reports ${error}: ${(event.payload?.types ?? []).join(", ") || "see its log"}`,
      });
      notify();
    }
  };
  events.on("flows:started", onStarted);
  events.on("runtime-event", onRuntime);

  return {
    started(rev, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (failure) finish(failure);
          else if (rev === undefined ? startedRevs.length > 0 : startedRevs.includes(rev)) finish();
        };
        const timer = setTimeout(
          () =>
            finish(
              new BridgeStartError("The bridge flow did not start", { details: `no start within ${timeoutMs} ms` }),
            ),
          timeoutMs,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    dispose() {
      events.off("flows:started", onStarted);
      events.off("runtime-event", onRuntime);
      listeners.clear();
    },
  };
}
