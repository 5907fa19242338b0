import type { CatchUpResult, Indexer } from "./indexer.ts";

export type Follower = {
  /**
   * Resolves once the read model is at most `maxAgeMs` behind the chain: at once when the last
   * catch-up that finished began that recently, else after a catch-up (the one under way, or a new
   * one). Rejects with the catch-up's error.
   */
  fresh(maxAgeMs: number): Promise<void>;
  /** Starts one catch-up, or returns the one under way: never two at once. */
  catchUp(): Promise<CatchUpResult>;
  /** Stops polling and waits for a catch-up under way. */
  stop(): Promise<void>;
};

export type FollowParameters = {
  indexer: Indexer;
  /** Between the end of one background catch-up and the start of the next; 0 polls not at all. */
  pollMs: number;
  now?: () => number;
  log?: (line: string) => void;
};

/** Follows the chain: a catch-up every `pollMs` in the background, and on demand before a page load. */
export function follow({ indexer, pollMs, now = Date.now, log = () => {} }: FollowParameters): Follower {
  let running: Promise<CatchUpResult> | undefined;
  /** When the newest finished catch-up began, i.e. read the head. */
  let freshAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastError: string | undefined;

  const catchUp = (): Promise<CatchUpResult> => {
    if (running) return running;
    const startedAt = now();
    running = indexer
      .catchUp()
      .then((result) => {
        freshAt = startedAt;
        if (lastError) log("[read-model] catching up again");
        lastError = undefined;
        return result;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const poll = () => {
    if (stopped || pollMs <= 0) return;
    timer = setTimeout(() => {
      catchUp()
        .then((result) => {
          if (result.ranges > 1) log(`[read-model] indexed blocks ${result.fromBlock}…${result.toBlock}`);
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
          // Once per distinct failure, not every second while the chain is down.
          if (message !== lastError) log(`[read-model] catch-up failed: ${message}`);
          lastError = message;
        })
        .finally(poll);
    }, pollMs);
    timer.unref();
  };
  poll();

  return {
    catchUp,
    async fresh(maxAgeMs) {
      if (now() - freshAt <= maxAgeMs) return;
      await catchUp();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
