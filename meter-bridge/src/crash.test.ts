import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { INTERVAL_SECONDS, type Reading } from "@nachbarstrom/core";
import { createAggregator, type IntervalBatch } from "./aggregate.ts";
import { indexDirectory } from "./directory.ts";
import { createOutbox } from "./outbox.ts";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { openStore } from "./store.ts";
import { createFakeChain, settlementKey, type FakeChainState } from "./test-chain.ts";
import type { CrashPlan, CrashPoint } from "./test-crash-worker.ts";
import { DIRECTORY, K, METER_ID, fourIntervalsOfReadings, tempDir } from "./test-fixtures.ts";

const WORKER = fileURLToPath(new URL("./test-crash-worker.ts", import.meta.url));

/** Runs one bridge process to its end or to its crash; resolves with how it exited. */
function runBridge(plan: CrashPlan): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, CRASH_PLAN: JSON.stringify(plan) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** The batches an uninterrupted in-memory bridge closes from the same readings. */
function referenceBatches(readings: Reading[]): IntervalBatch[] {
  const aggregator = createAggregator({ directory: indexDirectory(DIRECTORY), graceSeconds: 3600 });
  return readings.flatMap((r) => aggregator.add(r).batches);
}

/** Per meter id: last register at or before `until` minus the first register, straight from the readings. */
function energyFromReadings(readings: Reading[], until: number): Map<string, { importWh: bigint; exportWh: bigint }> {
  const energy = new Map<string, { importWh: bigint; exportWh: bigint }>();
  for (const mp of new Set(readings.map((r) => r.meteringPointId))) {
    const own = readings.filter((r) => r.meteringPointId === mp).sort((a, b) => a.unixSeconds - b.unixSeconds);
    const first = own[0];
    const last = own.filter((r) => r.unixSeconds <= until).at(-1) ?? first;
    energy.set(METER_ID[mp], { importWh: last.importWh - first.importWh, exportWh: last.exportWh - first.exportWh });
  }
  return energy;
}

function energyOnChain(state: FakeChainState): Map<string, { importWh: bigint; exportWh: bigint }> {
  const energy = new Map<string, { importWh: bigint; exportWh: bigint }>();
  for (const settlement of Object.values(state.settlements)) {
    for (const m of settlement.meters) {
      const sum = energy.get(m.meter) ?? { importWh: 0n, exportWh: 0n };
      energy.set(m.meter, { importWh: sum.importWh + BigInt(m.importWh), exportWh: sum.exportWh + BigInt(m.exportWh) });
    }
  }
  return energy;
}

describe(`crash and restart (${testDialect}: a bridge process killed with SIGKILL, then started again)`, () => {
  test("settles every interval once, with exactly the energy the readings say", async () => {
    const dir = tempDir();
    const database = await testStoreLocation("bridge");
    const files = { database, chain: join(dir, "chain.json"), log: join(dir, "crashes.log") };
    const crashes: CrashPoint[] = [
      { after: "reading", index: 16 }, // in the middle of interval K+1, K already settled
      { after: "batch-written", nth: 1 }, // K+1 is in the outbox, nothing sent yet
      { after: "signed", nth: 1 }, // a transaction is stored, never broadcast
      { after: "sent", nth: 1 }, // the chain holds an interval, the bridge did not wait for it
      { after: "submitted", nth: 1 }, // a transaction is mined, its receipt not yet read
    ];
    for (const crash of crashes) {
      const run = await runBridge({ ...files, crash });
      assert.equal(run.signal, "SIGKILL", `expected a crash ${JSON.stringify(crash)}; stderr: ${run.stderr}`);
    }
    const last = await runBridge({ ...files, crash: null });
    assert.equal(last.code, 0, last.stderr);

    const log = readFileSync(files.log, "utf8").trim().split("\n");
    assert.equal(log.length, crashes.length, "each run crashed where it was told to, once");
    const crashed = log.map((line) => JSON.parse(line) as { crash: string; where: string });

    const readings = fourIntervalsOfReadings();
    const reference = referenceBatches(readings);
    assert.equal(reference.length, 8, "K..K+3 in two neighbourhoods");
    const chain = createFakeChain({ file: files.chain }).state();

    // Every interval is on chain, with the batch an uninterrupted bridge would have sent.
    assert.deepEqual(Object.keys(chain.settlements).sort(), reference.map((b) => key(b)).sort());
    for (const batch of reference) {
      const settled = chain.settlements[key(batch)];
      assert.equal(settled.commitment, batch.commitment, `commitment of ${key(batch)}`);
      assert.deepEqual(
        settled.meters,
        batch.meters.map((m) => ({ meter: m.meter, importWh: `${m.importWh}`, exportWh: `${m.exportWh}` })),
      );
    }
    // The energy per meter is what its registers say, from the first reading to the end of K+3.
    const end = Number(K + 4n) * INTERVAL_SECONDS;
    assert.deepEqual(energyOnChain(chain), energyFromReadings(readings, end));

    // One transaction per interval: none was signed twice, the stored one was broadcast after the crash.
    assert.equal(Object.keys(chain.transactions).length, reference.length);
    const storedOnly = crashed.find((c) => c.crash === "signed")?.where ?? "";
    assert.ok(chain.transactions[storedOnly], "the transaction stored before the crash is the one mined");

    const store = await openStore({ location: files.database });
    try {
      const outbox = createOutbox(store);
      assert.deepEqual(await outbox.counts(), {
        pending: 0,
        submitted: 0,
        confirmed: reference.length,
        "already-settled": 0,
        failed: 0,
      });
      for (const batch of reference) {
        const entry = await outbox.get(batch.neighbourhood, batch.interval);
        assert.equal(
          entry?.txHash,
          chain.settlements[key(batch)].txHash,
          `the outbox knows ${key(batch)}'s transaction`,
        );
        assert.equal(chain.followUps[key(batch)] >= 1, true, `afterSettled for ${key(batch)}`);
      }
    } finally {
      await store.close();
    }
  });
});

function key(batch: IntervalBatch): string {
  return settlementKey(batch.neighbourhoodId, batch.interval);
}
