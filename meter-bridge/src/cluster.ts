/**
 * One bridge process among several on one PostgreSQL database (ADR 0011): refreshes its leases every
 * third of the lease, tells the bridge when the neighbourhoods it holds change (so the aggregator
 * reloads exactly those from the database), and adopts what a dead process left: its inbox and its
 * MQTT session. Adoption runs before the dead process is forgotten, so a survivor that fails half-way
 * tries again at the next refresh.
 */
import { neighbourhoodLease, OUTBOX_LEASE, type Ownership } from "./ownership.ts";

export type ClusterParameters = {
  ownership: Ownership;
  leaseMs: number;
  /** The neighbourhoods of the meter directory, now. */
  neighbourhoods(): readonly string[];
  /** The neighbourhoods this process holds changed: reload their state, drop the others'. */
  onNeighbourhoods(owned: ReadonlySet<string>): Promise<void>;
  /** Takes a dead process's inbox rows as its own and replays them. */
  adoptInbox(dead: string): Promise<void>;
  /** Drains a dead process's MQTT session into this process's inbox. */
  adoptSession(dead: string): Promise<void>;
  log(line: string): void;
};

export type Cluster = {
  ownsNeighbourhood(neighbourhood: string): boolean;
  ownsOutbox(): boolean;
  /** The neighbourhoods this process holds. */
  neighbourhoods(): string[];
  /** One refresh; start() repeats it. */
  refresh(): Promise<void>;
  start(): Promise<void>;
  /** Gives up every lease, so the others take over at once. */
  stop(): Promise<void>;
};

export function createCluster(parameters: ClusterParameters): Cluster {
  const { ownership, leaseMs, log } = parameters;
  let owned: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function refresh(): Promise<void> {
    const hoods = parameters.neighbourhoods();
    const change = await ownership.refresh([...hoods.map(neighbourhoodLease), OUTBOX_LEASE]);
    const now = hoods.filter((hood) => ownership.owns(neighbourhoodLease(hood)));
    if (change.gained.length > 0 || change.lost.length > 0) {
      owned = now;
      log(
        `holds ${owned.length} of ${hoods.length} neighbourhoods${ownership.owns(OUTBOX_LEASE) ? " and the outbox" : ""}`,
      );
      await parameters.onNeighbourhoods(new Set(owned));
    }
    for (const dead of change.dead) {
      log(`process ${dead} stopped renewing its leases: adopting its inbox and MQTT session`);
      await parameters.adoptInbox(dead);
      await parameters.adoptSession(dead);
      await ownership.forget(dead);
    }
  }

  const loop = () => {
    if (stopped) return;
    running = refresh()
      .catch((error: unknown) => log(`refresh failed, retrying: ${error instanceof Error ? error.message : error}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, Math.floor(leaseMs / 3));
      });
  };

  return {
    ownsNeighbourhood: (neighbourhood) => ownership.owns(neighbourhoodLease(neighbourhood)),
    ownsOutbox: () => ownership.owns(OUTBOX_LEASE),
    neighbourhoods: () => [...owned],
    refresh,
    async start() {
      await refresh();
      timer = setTimeout(loop, Math.floor(leaseMs / 3));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await ownership.release();
    },
  };
}
