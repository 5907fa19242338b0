import { NachbarstromError } from "@nachbarstrom/core";

export type StartChainClockParameters = {
  rpcUrl: string;
  /** The simulated time at the clock's start. */
  startAt: Date;
  /** Simulated seconds per wall second (the live feed's speed). */
  speed: number;
  /** How often the chain's clock is moved on and a block mined (wall ms); the chain lags the simulation by at most this × speed. */
  tickMs?: number;
};

export type ChainClock = {
  /** False when the simulated start lies before the chain's own time: a chain's clock never goes back. */
  following: boolean;
  stop(): void;
};

async function rpc(rpcUrl: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) {
    throw new NachbarstromError(`The chain refused ${method}`, { details: `${rpcUrl}: ${body.error.message}` });
  }
  return body.result;
}

/**
 * DEMO ONLY (a local development chain): lets the chain's block time follow the simulator's accelerated
 * clock, so that what a person does in the portal (a power contract from the next interval, a tariff
 * after its notice) meets the simulated intervals the bridge settles at the same "now". It moves the
 * node's time offset on with `evm_increaseTime` (Hardhat's node and anvil both have it) and mines a
 * block every tick, so the newest block, which calls and gas estimates run against, carries wall time
 * + offset ≈ simulated time. A real chain keeps real time, and so does the simulator against it (speed 1).
 */
export async function startChainClock({
  rpcUrl,
  startAt,
  speed,
  tickMs = 500,
}: StartChainClockParameters): Promise<ChainClock> {
  const next = (await rpc(rpcUrl, "eth_getBlockByNumber", ["pending", false]).catch(() =>
    rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false]),
  )) as { timestamp: string };
  const wallStart = Date.now();
  const chainStart = Number(BigInt(next.timestamp));
  // The node's own clock runs with the wall clock, from wherever it started (a demo chain starts in
  // the past: chain.ts `startAt`); only the offset added here moves it on faster.
  const drift = chainStart - wallStart / 1000;
  const simulatedAt = (wall: number) => startAt.getTime() / 1000 + ((wall - wallStart) / 1000) * speed;
  // The offset the node needs so that its next block carries the simulated time.
  const wantedOffset = () => {
    const wall = Date.now();
    return Math.floor(simulatedAt(wall) - wall / 1000 - drift);
  };
  if (simulatedAt(wallStart) <= chainStart) return { following: false, stop: () => {} };

  let applied = 0;
  const advance = async () => {
    const offset = wantedOffset();
    if (offset <= applied) return;
    await rpc(rpcUrl, "evm_increaseTime", [offset - applied]);
    applied = offset;
    await rpc(rpcUrl, "evm_mine");
  };
  await advance();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // A chain that went away (stopping) is not this clock's business: the next tick tries again.
    advance()
      .catch(() => {})
      .finally(() => (running = false));
  }, tickMs);
  timer.unref();
  return { following: true, stop: () => clearInterval(timer) };
}
