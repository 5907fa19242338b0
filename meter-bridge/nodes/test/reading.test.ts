import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { fixture, fixtureText } from "../../src/formats/test-support.ts";
import { DIRECTORY, HOOD, MP, T0, writeDirectoryFile } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

const TOPIC = `nachbarstrom/${HOOD}/${MP.a}/reading`;
const at = (seconds: number) => new Date((T0 + seconds) * 1000).toISOString();
const json = (importWh: unknown, exportWh: unknown, seconds: number) =>
  JSON.stringify({ importWh, exportWh, timestamp: at(seconds) });

describe("nachbarstrom-reading node", () => {
  const meters = writeDirectoryFile();
  let harness: Harness;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  const load = async () => {
    harness = await loadNode([nodeModule("reading")], {
      id: "reading",
      type: "nachbarstrom-reading",
      meters,
      outputs: 2,
    });
  };

  /** Sends one message and returns what came out of output 2 for it. */
  async function rejectionFor(topic: string, payload: unknown) {
    const before = harness.outputs[1].length;
    harness.send({ topic, payload });
    await harness.waitForMessages(harness.outputs[0].length + before + 1);
    assert.equal(harness.outputs[1].length, before + 1, "the message went to output 2");
    return harness.outputs[1][before];
  }

  test("a valid reading goes to output 1 as a parsed reading", async () => {
    await load();
    harness.send({ topic: TOPIC, payload: Buffer.from(json(1234567, 89012, 15)), qos: 1 });
    await harness.waitForMessages(1);
    assert.equal(harness.outputs[1].length, 0);
    const [msg] = harness.outputs[0];
    assert.equal(msg.topic, TOPIC);
    assert.deepEqual(msg.payload, {
      neighbourhood: HOOD,
      meteringPointId: MP.a,
      importWh: 1234567n,
      exportWh: 89012n,
      unixSeconds: T0 + 15,
    });
  });

  test("a payload that is not JSON goes to output 2 with its reason", async () => {
    await load();
    const msg = await rejectionFor(TOPIC, "1234567;89012");
    assert.equal(msg.topic, `nachbarstrom/${HOOD}/rejected`);
    const rejection = msg.payload as { reason: string; topic: string; payload: string };
    assert.match(rejection.reason, /^payload is not valid JSON: /);
    assert.equal(rejection.topic, TOPIC);
    assert.equal(rejection.payload, "1234567;89012");
  });

  test("a missing field is named in the reason", async () => {
    await load();
    const msg = await rejectionFor(TOPIC, JSON.stringify({ importWh: 5, timestamp: at(0) }));
    assert.match((msg.payload as { reason: string }).reason, /^exportWh: .* \(got nothing\)$/);
  });

  test("a negative value is named with the value", async () => {
    await load();
    const msg = await rejectionFor(TOPIC, json(-5, 0, 0));
    assert.match((msg.payload as { reason: string }).reason, /^importWh: .* \(got -5\)$/);
  });

  test("a decreasing register is rejected", async () => {
    await load();
    harness.send({ topic: TOPIC, payload: json(1000, 10, 0) });
    await harness.waitForMessages(1);
    const msg = await rejectionFor(TOPIC, json(999, 10, 60));
    assert.match((msg.payload as { reason: string }).reason, /^importWh decreased: 999 Wh at .* is below 1000 Wh at /);
  });

  test("an unknown metering point is rejected", async () => {
    await load();
    const msg = await rejectionFor(`nachbarstrom/${HOOD}/DE-NOBODY/reading`, json(1, 1, 0));
    assert.equal(
      (msg.payload as { reason: string }).reason,
      `unknown metering point "DE-NOBODY": it is not registered in neighbourhood "${HOOD}"`,
    );
  });

  test("a malformed topic is rejected to nachbarstrom/unknown/rejected", async () => {
    await load();
    const msg = await rejectionFor("nachbarstrom/Bad Hood/x/reading", json(1, 1, 0));
    assert.equal(msg.topic, "nachbarstrom/unknown/rejected");
    assert.match((msg.payload as { reason: string }).reason, /^topic ".*" is not nachbarstrom\//);
  });

  test("a repeated reading is passed on once", async () => {
    await load();
    harness.send({ topic: TOPIC, payload: json(1000, 10, 0) });
    harness.send({ topic: TOPIC, payload: json(1000, 10, 0) });
    harness.send({ topic: TOPIC, payload: json(1001, 10, 30) });
    await harness.waitForMessages(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(harness.outputs[0].length, 2);
    assert.equal(harness.outputs[1].length, 0);
  });

  test("without a meter directory every message ends with the configuration error", async () => {
    const saved = process.env.NACHBARSTROM_METERS;
    delete process.env.NACHBARSTROM_METERS;
    try {
      harness = await loadNode([nodeModule("reading")], {
        id: "reading",
        type: "nachbarstrom-reading",
        meters: "",
        outputs: 2,
      });
      harness.send({ topic: TOPIC, payload: json(1, 1, 0) });
      const deadline = Date.now() + 2000;
      while (!harness.errors.some((e) => typeof e === "object") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const error = harness.errors.find((e) => typeof e === "object") as { shortMessage?: string; details?: string };
      assert.equal(error?.shortMessage, "No meter directory file is configured");
      assert.match(error.details ?? "", /NACHBARSTROM_METERS/);
      assert.equal(harness.outputs[0].length + harness.outputs[1].length, 0);
    } finally {
      if (saved !== undefined) process.env.NACHBARSTROM_METERS = saved;
    }
  });

  describe("with a format", () => {
    const hood = DIRECTORY.neighbourhoods[0];
    const extra = (meteringPointId: string, digit: string) => ({
      ...hood.meters[0],
      meteringPointId,
      meterId: `0x${digit.repeat(64)}` as const,
    });
    const formatMeters = writeDirectoryFile({
      neighbourhoods: [
        { ...hood, meters: [...hood.meters, extra("DE-TAS-MT175", "d"), extra("BE-AM550", "e")] },
        ...DIRECTORY.neighbourhoods.slice(1),
      ],
    });
    const settings = {
      tasmota: { devices: { "keller-mt175": { meteringPointId: "DE-TAS-MT175", preset: "iskra-mt175" } } },
      dsmr: { meters: { E0045001591742319: { meteringPointId: "BE-AM550" } } },
    };
    const loadFormat = async (format: string) => {
      harness = await loadNode([nodeModule("reading")], {
        id: "reading",
        type: "nachbarstrom-reading",
        meters: formatMeters,
        format,
        formatSettings: JSON.stringify(settings),
        outputs: 2,
      });
    };
    const telegram = fixtureText("dsmr/iskra-am550-dsmr50.txt");

    test("a Tasmota SENSOR message comes out as a reading of the directory's neighbourhood", async () => {
      await loadFormat("tasmota");
      harness.send({ topic: "tele/keller-mt175/SENSOR", payload: Buffer.from(fixture("tasmota/iskra-mt175.json")) });
      await harness.waitForMessages(1);
      assert.equal(harness.outputs[1].length, 0);
      assert.deepEqual(harness.outputs[0][0].payload, {
        neighbourhood: HOOD,
        meteringPointId: "DE-TAS-MT175",
        importWh: 1_234_567n,
        exportWh: 23_400n,
        unixSeconds: Date.parse("2026-06-21T08:15:00Z") / 1000,
      });
    });

    test("a DSMR telegram comes out as a reading; the same telegram again is a repeat", async () => {
      await loadFormat("dsmr");
      harness.send({ topic: "p1/am550", payload: telegram });
      harness.send({ topic: "p1/am550", payload: Buffer.from(telegram, "latin1") });
      await harness.waitForMessages(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(harness.outputs[1].length, 0);
      assert.equal(harness.outputs[0].length, 1);
      assert.deepEqual(harness.outputs[0][0].payload, {
        neighbourhood: HOOD,
        meteringPointId: "BE-AM550",
        importWh: 3_580_245n,
        exportWh: 358_023n,
        unixSeconds: Date.parse("2026-06-21T08:15:00Z") / 1000,
      });
    });

    test("a DSMR telegram with a bad CRC goes to output 2 with the CRC reason", async () => {
      await loadFormat("dsmr");
      const bad = telegram.replace(/!([0-9A-F]{4})/, "!0000");
      const msg = await rejectionFor("p1/am550", bad);
      assert.equal(msg.topic, "nachbarstrom/unknown/rejected");
      const rejection = msg.payload as { reason: string; topic: string; payload: string };
      assert.match(rejection.reason, /^DSMR telegram: CRC 0x0000 does not match computed 0x[0-9A-F]{4}$/);
      assert.equal(rejection.topic, "p1/am550");
      assert.equal(rejection.payload, bad);
    });

    test("format settings that are not JSON are a configuration error", async () => {
      harness = await loadNode([nodeModule("reading")], {
        id: "reading",
        type: "nachbarstrom-reading",
        meters: formatMeters,
        format: "dsmr",
        formatSettings: "{dsmr:",
        outputs: 2,
      });
      harness.send({ topic: "p1/am550", payload: telegram });
      const deadline = Date.now() + 2000;
      while (!harness.errors.some((e) => typeof e === "object") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const error = harness.errors.find((e) => typeof e === "object") as { shortMessage?: string };
      assert.equal(error?.shortMessage, "The format settings are not valid JSON");
      assert.equal(harness.outputs[0].length + harness.outputs[1].length, 0);
    });
  });
});
