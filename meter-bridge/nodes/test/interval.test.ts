import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { neighbourhoodId } from "@nachbarstrom/core";
import type { IntervalBatch } from "../../src/aggregate.ts";
import { join } from "node:path";
import { HOOD, K, METER_ID, MP, T0, reading, tempDir, writeDirectoryFile } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

describe("nachbarstrom-interval node", () => {
  const meters = writeDirectoryFile();
  let harness: Harness;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  const load = async (graceSeconds: number | string = 60, database = join(tempDir(), "bridge.db")) => {
    harness = await loadNode([nodeModule("interval")], {
      id: "interval",
      type: "nachbarstrom-interval",
      meters,
      graceSeconds,
      database,
      outputs: 2,
    });
  };
  const feed = (...readings: ReturnType<typeof reading>[]) => {
    for (const r of readings)
      harness.send({ topic: `nachbarstrom/${r.neighbourhood}/${r.meteringPointId}/reading`, payload: r });
  };

  test("sends one batch when every meter has reported past the interval's end", async () => {
    await load();
    feed(
      reading(MP.a, T0 + 10, 1000, 5),
      reading(MP.b, T0 + 20, 500),
      reading(MP.a, T0 + 800, 1400, 9),
      reading(MP.b, T0 + 850, 560),
      reading(MP.a, T0 + 910, 1410, 9),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(harness.outputs[0].length, 0, "meter b has not reported past the end");
    feed(reading(MP.b, T0 + 905, 561));
    await harness.waitForMessages(1);
    const [msg] = harness.outputs[0];
    assert.equal(msg.topic, `nachbarstrom/${HOOD}/batch`);
    const batch = msg.payload as IntervalBatch;
    assert.equal(batch.neighbourhoodId, neighbourhoodId(HOOD));
    assert.equal(batch.interval, K);
    assert.equal(batch.closedBy, "complete");
    assert.deepEqual(batch.meters, [
      { meter: METER_ID[MP.b], importWh: 60n, exportWh: 0n },
      { meter: METER_ID[MP.a], importWh: 400n, exportWh: 4n },
    ]);
  });

  test("leaves a silent meter out once the grace period has passed", async () => {
    await load(0);
    feed(reading(MP.a, T0 + 10, 1000), reading(MP.a, T0 + 800, 1100), reading(MP.a, T0 + 901, 1101));
    await harness.waitForMessages(1);
    const batch = harness.outputs[0][0].payload as IntervalBatch;
    assert.equal(batch.closedBy, "grace");
    assert.deepEqual(batch.missing, [MP.b]);
    assert.deepEqual(batch.meters, [{ meter: METER_ID[MP.a], importWh: 100n, exportWh: 0n }]);
  });

  test("closes on its timer when no further reading arrives", async () => {
    await load(1);
    feed(reading(MP.a, T0 + 10, 1000), reading(MP.a, T0 + 800, 1100), reading(MP.a, T0 + 901, 1101));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.outputs[0].length, 0);
    await harness.waitForMessages(1, 3000);
    assert.equal((harness.outputs[0][0].payload as IntervalBatch).interval, K);
  });

  test("rejects a reading of a closed interval to output 2 in the wire format", async () => {
    await load(0);
    feed(reading(MP.a, T0 + 10, 1000), reading(MP.a, T0 + 800, 1100), reading(MP.a, T0 + 901, 1101));
    await harness.waitForMessages(1);
    feed(reading(MP.b, T0 + 100, 50));
    await harness.waitForMessages(2);
    const [msg] = harness.outputs[1];
    assert.equal(msg.topic, `nachbarstrom/${HOOD}/rejected`);
    const rejection = msg.payload as { code: string; reason: string; topic: string; payload: string };
    assert.equal(rejection.code, "late");
    assert.match(rejection.reason, new RegExp(`^late: .* interval ${K}, which has closed`));
    assert.equal(rejection.topic, `nachbarstrom/${HOOD}/${MP.b}/reading`);
    assert.deepEqual(JSON.parse(rejection.payload), {
      importWh: 50,
      exportWh: 0,
      timestamp: new Date((T0 + 100) * 1000).toISOString().replace(".000Z", "Z"),
    });
  });

  test("reports a payload that is not a reading as an error of the message", async () => {
    await load();
    const reported = new Promise<unknown>((resolve) =>
      helper.getNode("interval").on("call:error", (call) => resolve(call.args[0])),
    );
    harness.send({ payload: { importWh: 5 } });
    const error = await reported;
    // The helper leaves message keys untranslated.
    assert.match(String(error), /^NachbarstromError: interval\.errors\.notReading/);
    assert.equal(harness.outputs[0].length + harness.outputs[1].length, 0);
  });

  test("carries on after a restart: open readings are kept and no meter starts from a new baseline", async () => {
    const database = join(tempDir(), "bridge.db");
    await load(60, database);
    feed(reading(MP.a, T0 + 10, 1000), reading(MP.b, T0 + 20, 500), reading(MP.a, T0 + 800, 1400));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await helper.unload(); // a redeploy or restart
    await load(60, database);
    feed(reading(MP.a, T0 + 10, 1000)); // redelivered: a duplicate, not a new baseline
    feed(reading(MP.b, T0 + 850, 560), reading(MP.a, T0 + 910, 1410), reading(MP.b, T0 + 905, 561));
    await harness.waitForMessages(1);
    assert.deepEqual((harness.outputs[0][0].payload as IntervalBatch).meters, [
      { meter: METER_ID[MP.b], importWh: 60n, exportWh: 0n },
      { meter: METER_ID[MP.a], importWh: 400n, exportWh: 0n },
    ]);
  });

  test("without a database setting or user directory the node reports a configuration error", async () => {
    await load(60, "");
    // The helper sets no user directory, so there is no default file either.
    const reported = new Promise<unknown>((resolve) =>
      helper.getNode("interval").on("call:error", (call) => {
        if (typeof call.args[0] === "object") resolve(call.args[0]);
      }),
    );
    harness.send({ payload: reading(MP.a, T0 + 10, 1000) });
    const error = (await reported) as { shortMessage?: string; details?: string };
    assert.equal(error.shortMessage, "No bridge database is configured");
    assert.match(error.details ?? "", /NACHBARSTROM_BRIDGE_DB/);
  });
});
