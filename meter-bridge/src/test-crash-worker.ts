/**
 * One bridge process for crash.test.ts: replays fourIntervalsOfReadings() (as a broker redelivers
 * after a restart) into the durable aggregator and settles the outbox against the file-backed fake
 * chain. At the crash point named in CRASH_PLAN it kills itself with SIGKILL: no close, no cleanup,
 * no WAL checkpoint. Not a test file itself (it does not end in .test.ts).
 */
import { appendFileSync } from "node:fs";
import { setImmediate as turn } from "node:timers/promises";
import { createDurableAggregator } from "./durable-aggregator.ts";
import { indexDirectory } from "./directory.ts";
import { createOutboxSettler } from "./outbox-settler.ts";
import { openStore } from "./store.ts";
import { createFakeChain, settlementKey } from "./test-chain.ts";
import { DIRECTORY, fourIntervalsOfReadings } from "./test-fixtures.ts";

export type CrashPoint =
  /** After the reading with this index has been added (and its transaction committed). */
  | { after: "reading"; index: number }
  /** In the chain client, before the chain sees the nth settle() call of this run. */
  | { after: "batch-written"; nth: number }
  /** The nth transaction is signed and stored in the outbox, not broadcast. */
  | { after: "signed"; nth: number }
  /** The chain mined the nth transaction; settle() has not returned. */
  | { after: "sent"; nth: number }
  /** Before the receipt of the nth transaction is read. */
  | { after: "submitted"; nth: number };

/** `database`: the bridge database's location, a SQLite file or a postgres:// URL. */
export type CrashPlan = { database: string; chain: string; log: string; crash: CrashPoint | null };

const plan = JSON.parse(process.env.CRASH_PLAN ?? "null") as CrashPlan;
const crash = plan.crash;
const calls = { "batch-written": 0, signed: 0, sent: 0, submitted: 0 };

/** Notes where it crashed (synchronously, so it survives the kill) and dies at once. */
function die(where: string): never {
  appendFileSync(plan.log, `${JSON.stringify({ crash: crash?.after, where })}\n`);
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable: the process was killed");
}

function maybeCrash(kind: keyof typeof calls, where: string): void {
  calls[kind] += 1;
  if (crash && crash.after === kind && crash.nth === calls[kind]) die(where);
}

const store = await openStore({ location: plan.database });
const aggregator = await createDurableAggregator({ store, directory: indexDirectory(DIRECTORY), graceSeconds: 3600 });
const chain = createFakeChain({
  file: plan.chain,
  hooks: {
    beforeSettle: (batch) => maybeCrash("batch-written", settlementKey(batch.neighbourhoodId, batch.interval)),
    afterSign: (_, hash) => maybeCrash("signed", hash),
    afterSettle: (batch) => maybeCrash("sent", settlementKey(batch.neighbourhoodId, batch.interval)),
    beforeReceipt: (hash) => maybeCrash("submitted", hash),
  },
});
const settler = createOutboxSettler({ outbox: aggregator.outbox, port: chain, retry: { initialDelayMs: 1 } });

void settler.drain();
for (const [index, reading] of fourIntervalsOfReadings().entries()) {
  if ((await aggregator.add(reading)).batches.length > 0) void settler.drain();
  if (crash?.after === "reading" && crash.index === index) die(`reading ${index}`);
  // Let the settler run between readings, as MQTT messages arrive one by one.
  await turn();
}
await settler.drain();
await store.close();
