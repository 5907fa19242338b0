import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { Aedes } from "aedes";
import { connectAsync } from "mqtt";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { readFlowFile, SHIPPED_FLOW_FILE } from "../../meter-bridge/src/bridge-flow.ts";
import { decodeMessage, formatOfTopic } from "../../meter-bridge/src/formats/index.ts";
import { simulateReadings } from "./day.ts";
import { SimulationParameterError } from "./errors.ts";
import { startLiveFeed } from "./live.ts";
import { meterFormats, simulatedFormatSettings, withSimulatedMeters, type FeedFormat } from "./live-formats.ts";

const households = DEMO_NEIGHBOURHOOD.households;
const settings = simulatedFormatSettings(DEMO_NEIGHBOURHOOD);

/** The bridge's format for a topic, as the shipped flow's inputs route them. */
function formatOf(topic: string): string {
  return formatOfTopic(topic) ?? /^meters\/([a-z0-9-]+)\/[^/]+$/.exec(topic)?.[1] ?? "unknown";
}

type Received = { topic: string; payload: Buffer };

/** Runs a feed into an embedded broker until `steps` batches arrived; returns the raw messages in arrival order. */
async function runFeed(options: {
  startAt: Date;
  speed: number;
  steps: number;
  formats?: "mixed";
}): Promise<Received[]> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const received: Received[] = [];
  const subscriber = await connectAsync(url);
  subscriber.on("message", (topic, payload) => received.push({ topic, payload }));
  await subscriber.subscribeAsync(["nachbarstrom/+/+/reading", "tele/+/SENSOR", "meters/+/+", "v3/+/devices/+/up"], {
    qos: 1,
  });
  const feed = await startLiveFeed({ mqttUrl: url, ...options });
  const deadline = Date.now() + 10_000;
  while (received.length < options.steps * households.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await feed.stop();
  await subscriber.endAsync();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return received;
}

describe("meterFormats", () => {
  it("gives the households the mix in turn, without the clockless SML and D0 unless at real time", () => {
    assert.deepEqual(meterFormats(6, "mixed", false), [
      "plain-json",
      "tasmota",
      "dsmr",
      "lorawan",
      "eip712",
      "plain-json",
    ]);
    assert.deepEqual(meterFormats(8, "mixed", true), [
      "plain-json",
      "tasmota",
      "dsmr",
      "sml",
      "lorawan",
      "d0",
      "eip712",
      "plain-json",
    ]);
    assert.deepEqual(meterFormats(3, "dsmr", false), ["dsmr", "dsmr", "dsmr"]);
    assert.deepEqual(meterFormats(3, ["sml", "tasmota"], true), ["sml", "tasmota", "sml"]);
  });

  it("refuses SML and D0 at accelerated time, unknown formats and an empty list, naming them", () => {
    assert.throws(() => meterFormats(3, "sml", false), /formats: sml carries no clock time.*real time/);
    assert.throws(() => meterFormats(3, ["tasmota", "d0"], false), /d0 carries no clock time/);
    assert.throws(() => meterFormats(3, ["ocmf" as FeedFormat], true), SimulationParameterError);
    assert.throws(() => meterFormats(3, [], true), /at least one format/);
  });
});

describe("withSimulatedMeters", () => {
  it("binds every simulated meter in each reading node of the shipped flow and keeps the rest", () => {
    const shipped = readFlowFile(SHIPPED_FLOW_FILE);
    const tasmota = shipped.find((node) => node.type === "nachbarstrom-reading" && node.format === "tasmota");
    assert.ok(tasmota);
    const flow = withSimulatedMeters(
      shipped.map((node) =>
        node === tasmota
          ? {
              ...node,
              formatSettings:
                '{"tasmota":{"timeZone":"Europe/Berlin","devices":{"keller":{"meteringPointId":"X","preset":"emh-ehz"}}}}',
            }
          : node,
      ),
      DEMO_NEIGHBOURHOOD,
    );
    assert.equal(flow.length, shipped.length);
    for (const node of flow.filter((n) => n.type === "nachbarstrom-reading" && n.format !== "plain-json")) {
      const format = String(node.format) as keyof typeof settings | "ocmf";
      const parsed = JSON.parse(String(node.formatSettings));
      if (format === "ocmf") {
        assert.deepEqual(parsed, { ocmf: { meters: {} } }, "no simulated OCMF meters");
        continue;
      }
      const [key] = Object.keys(settings[format]) as (keyof (typeof settings)[typeof format])[];
      assert.equal(Object.keys(parsed[format][key]).length >= households.length, true, format);
    }
    const keller = JSON.parse(String(flow.find((n) => n.id === tasmota.id)?.formatSettings));
    assert.equal(keller.tasmota.timeZone, "Europe/Berlin");
    assert.deepEqual(keller.tasmota.devices.keller, { meteringPointId: "X", preset: "emh-ehz" });
  });
});

describe("the mixed live feed", () => {
  it("sends each meter in its format, on its topic, and the bridge's decoders read the offline registers", async () => {
    const startAt = new Date("2026-06-21T04:00:00Z");
    const received = await runFeed({ startAt, speed: 6000, steps: 3 });
    const offline = simulateReadings({ startAt, steps: 50, stepSeconds: 60 }); // more than arrive before stop()
    const expected = new Map(
      offline.map(({ topic, payload }) => [`${topic.split("/")[2]} ${payload.timestamp}`, payload]),
    );
    const formats = meterFormats(households.length, "mixed", false);
    const seen = new Map<string, string>();
    for (const { topic, payload } of received) {
      const format = formatOf(topic);
      const decoded = await decodeMessage(format, { topic, payload, receivedAt: new Date(), settings });
      assert.ok(decoded.ok, decoded.ok ? "" : `${topic}: ${decoded.reason}`);
      for (const reading of decoded.readings) {
        const want = expected.get(`${reading.meteringPointId} ${reading.timestamp}`);
        assert.ok(want, `${reading.meteringPointId} at ${reading.timestamp} is not an offline reading`);
        assert.equal(reading.importWh, BigInt(want.importWh));
        assert.equal(reading.exportWh, BigInt(want.exportWh));
        seen.set(reading.meteringPointId, format);
      }
    }
    assert.deepEqual(
      households.map((h) => seen.get(h.meteringPointId)),
      formats,
    );
  });

  it("adds the clockless SML and D0 meters when simulated time is wall-clock time", async () => {
    const startAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const received = await runFeed({ startAt, speed: 1, steps: 1 });
    const topics = new Set(received.map(({ topic }) => formatOf(topic)));
    assert.deepEqual([...topics].sort(), ["d0", "dsmr", "eip712", "lorawan", "plain-json", "sml", "tasmota"]);
    const offline = simulateReadings({ startAt, steps: 1, stepSeconds: 60 });
    for (const { topic, payload } of received.filter((m) => ["sml", "d0"].includes(formatOf(m.topic)))) {
      const decoded = await decodeMessage(formatOf(topic), { topic, payload, receivedAt: startAt, settings });
      assert.ok(decoded.ok);
      const [reading] = decoded.readings;
      const want = offline.find((r) => r.topic.split("/")[2] === reading.meteringPointId);
      assert.equal(reading.importWh, BigInt(want?.payload.importWh ?? -1));
      assert.equal(reading.timestamp, want?.payload.timestamp);
    }
  });
});
