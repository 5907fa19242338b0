import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import type { MeterDirectory, Reading } from "@nachbarstrom/core";
import type { IntervalBatch } from "../../src/aggregate.ts";
import { indexDirectory } from "../../src/directory.ts";
import { createDurableAggregator } from "../../src/durable-aggregator.ts";
import { sql } from "@nachbarstrom/core/database";
import { openStore } from "../../src/store.ts";
import { DIRECTORY, HOOD, K, MP, T0, reading, tempDir, writeDirectoryFile } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

const NEW_MP = "DE0001234520660000000000000000009";
const NEW_METER = `0x${"d".repeat(64)}` as const;
const WITH_NEW_METER: MeterDirectory = {
  neighbourhoods: DIRECTORY.neighbourhoods.map((hood) =>
    hood.slug === HOOD
      ? {
          ...hood,
          meters: [...hood.meters, { meteringPointId: NEW_MP, meterId: NEW_METER, owner: hood.meters[0].owner }],
        }
      : hood,
  ),
};
const WITHOUT_B: MeterDirectory = {
  neighbourhoods: DIRECTORY.neighbourhoods.map((hood) =>
    hood.slug === HOOD ? { ...hood, meters: hood.meters.filter((m) => m.meteringPointId !== MP.b) } : hood,
  ),
};

/** Replaces the file as the portal does: a temporary file in the same folder, then a rename. */
function replace(file: string, directory: MeterDirectory | string): void {
  writeFileSync(`${file}.tmp`, typeof directory === "string" ? directory : JSON.stringify(directory));
  renameSync(`${file}.tmp`, file);
}

/** What the bridge database holds, without arrival times (wall clock): readings, registers, batches. */
async function storedResults(file: string) {
  const store = await openStore({ location: file });
  try {
    const all = async (query: string) =>
      (await sql.raw<Record<string, unknown>>(query).execute(store.db)).rows.map((row) => ({ ...row }));
    return {
      readings: await all(
        "SELECT neighbourhood, metering_point_id, unix_seconds, import_wh, export_wh FROM readings ORDER BY 1, 2, 3",
      ),
      settled: await all("SELECT * FROM meter_state ORDER BY 1, 2"),
      closed: await all("SELECT * FROM neighbourhood_state ORDER BY 1"),
      batches: await all("SELECT neighbourhood, interval, neighbourhood_id, commitment, batch FROM outbox ORDER BY id"),
    };
  } finally {
    await store.close();
  }
}

describe("nachbarstrom-interval node: the meter directory changes while it runs", () => {
  let harness: Harness;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  const load = async (meters: string, database: string) => {
    harness = await loadNode([nodeModule("interval")], {
      id: "interval",
      type: "nachbarstrom-interval",
      meters,
      graceSeconds: 60,
      database,
      outputs: 2,
    });
  };
  const feed = async (...readings: Reading[]) => {
    for (const r of readings)
      harness.send({ topic: `nachbarstrom/${r.neighbourhood}/${r.meteringPointId}/reading`, payload: r });
    await new Promise((resolve) => setTimeout(resolve, 30));
  };

  const before_ = [
    reading(MP.a, T0 + 10, 1000),
    reading(MP.b, T0 + 20, 500),
    reading(MP.a, T0 + 800, 1100),
    reading(MP.b, T0 + 850, 550),
    reading(MP.a, T0 + 905, 1110),
  ];
  const after_ = [
    reading(MP.a, T0 + 800, 1100), // a repeat across the reload
    reading(NEW_MP, T0 + 900, 7000, 0, HOOD),
    reading(MP.b, T0 + 910, 560),
    reading(MP.a, T0 + 1805, 1200),
    reading(NEW_MP, T0 + 1790, 7050, 0, HOOD),
    reading(MP.b, T0 + 1810, 600),
    reading(NEW_MP, T0 + 1820, 7052, 0, HOOD),
  ];

  test("a meter added to the file counts from its first reading; no reading is lost or counted twice", async () => {
    const meters = writeDirectoryFile();
    const database = join(tempDir(), "bridge.db");
    await load(meters, database);
    await feed(...before_);
    replace(meters, WITH_NEW_METER);
    // The new meter's reading makes the node look at the file at once.
    await feed(...after_);
    await harness.waitForMessages(2);
    assert.deepEqual(harness.outputs[1], [], "nothing rejected: the new meter is known, the repeat is a duplicate");
    const [first, second] = harness.outputs[0].map((msg) => msg.payload as IntervalBatch);
    assert.equal(first.interval, K);
    assert.equal(first.closedBy, "complete");
    assert.deepEqual(first.missing, [NEW_MP], "the new meter has no energy before its first reading");
    assert.equal(second.interval, K + 1n);
    assert.equal(second.closedBy, "complete");
    assert.deepEqual(
      second.meters.find((m) => m.meter === NEW_METER),
      { meter: NEW_METER, importWh: 50n, exportWh: 0n },
    );
    assert.ok(
      second.readings.some((r) => r.meteringPointId === MP.a && r.unixSeconds === T0 + 905),
      "a reading held open across the reload is settled in its interval",
    );
    await helper.unload();

    // The same readings through an aggregator that had the new directory from the start.
    const referenceFile = join(tempDir(), "bridge.db");
    const store = await openStore({ location: referenceFile });
    const reference = await createDurableAggregator({
      store,
      directory: indexDirectory(WITH_NEW_METER),
      graceSeconds: 60,
    });
    for (const r of [...before_, ...after_]) await reference.add(r);
    await store.close();
    assert.deepEqual(await storedResults(database), await storedResults(referenceFile));
  });

  test("a meter removed from the file is no longer waited for", async () => {
    const meters = writeDirectoryFile();
    await load(meters, join(tempDir(), "bridge.db"));
    await feed(reading(MP.a, T0 + 10, 1000), reading(MP.b, T0 + 20, 500), reading(MP.a, T0 + 800, 1100));
    replace(meters, WITHOUT_B);
    // The timer looks at the file within a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await feed(reading(MP.a, T0 + 905, 1110));
    await harness.waitForMessages(1);
    const batch = harness.outputs[0][0].payload as IntervalBatch;
    assert.equal(batch.closedBy, "complete", "closed without waiting the grace period for b");
    assert.deepEqual(batch.missing, []);
  });

  test("an invalid file leaves the directory in force and is logged with its error", async () => {
    const meters = writeDirectoryFile();
    await load(meters, join(tempDir(), "bridge.db"));
    const warnings: unknown[] = [];
    helper.getNode("interval").on("call:warn", (call) => warnings.push(call.args[0]));
    replace(meters, "{ not json");
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.ok(
      warnings.some((w) =>
        /changed but was not loaded .*Cannot read.*previous directory stays in force/.test(String(w)),
      ),
      `warned about the invalid file: ${JSON.stringify(warnings)}`,
    );
    await feed(reading(MP.a, T0 + 10, 1000), reading(MP.b, T0 + 20, 500), reading(MP.a, T0 + 800, 1100));
    await feed(reading(MP.b, T0 + 850, 550), reading(MP.a, T0 + 905, 1110), reading(MP.b, T0 + 910, 560));
    await harness.waitForMessages(1);
    assert.equal((harness.outputs[0][0].payload as IntervalBatch).meters.length, 2, "both meters still counted");
  });
});
