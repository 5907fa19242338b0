import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { Aedes } from "aedes";
import { connectAsync, type MqttClient } from "mqtt";
import { DEMO_NEIGHBOURHOOD, parseReading } from "@nachbarstrom/core";
import { simulateReadings, type SimulatedReading } from "./day.ts";
import { SimulationBrokerError, SimulationParameterError } from "./errors.ts";
import { startLiveFeed } from "./live.ts";

const households = DEMO_NEIGHBOURHOOD.households;
const startAt = new Date("2026-06-21T04:00:00Z");

type Broker = { url: string; close(): Promise<void> };

async function startBroker(): Promise<Broker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function subscribe(url: string, into: SimulatedReading[]): Promise<MqttClient> {
  const client = await connectAsync(url);
  client.on("message", (topic, payload) => into.push({ topic, payload: JSON.parse(payload.toString()) }));
  await client.subscribeAsync("nachbarstrom/burtscheid-sued/+/reading", { qos: 1 });
  return client;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Readings grouped by topic, each meter's in arrival order. */
function byTopic(readings: readonly SimulatedReading[]): Map<string, SimulatedReading["payload"][]> {
  const map = new Map<string, SimulatedReading["payload"][]>();
  for (const { topic, payload } of readings) map.set(topic, [...(map.get(topic) ?? []), payload]);
  return map;
}

describe("startLiveFeed", () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker.close();
    // Every feed stopped, every client ended: no socket or timer keeps the process alive.
    await new Promise((resolve) => setImmediate(resolve));
    const open = process.getActiveResourcesInfo().filter((resource) => /TCP|Timeout|Immediate/.test(resource));
    assert.deepEqual(open, []);
  });

  it("publishes the same readings as the offline run, on the bridge's topics, with QoS 1", async () => {
    const received: SimulatedReading[] = [];
    const subscriber = await subscribe(broker.url, received);
    const acknowledged: SimulatedReading[] = [];
    const feed = await startLiveFeed({
      mqttUrl: broker.url,
      startAt,
      speed: 6000, // 60 simulated seconds every 10 ms
      seed: 7,
      formats: "plain-json",
      onPublish: (reading) => acknowledged.push(reading),
    });
    await until(() => received.length >= 3 * households.length);
    await feed.stop();
    await subscriber.endAsync();

    const expected = byTopic(simulateReadings({ startAt, steps: 3, stepSeconds: 60, seed: 7 }));
    const actual = byTopic(received);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [topic, payloads] of expected) assert.deepEqual(actual.get(topic)?.slice(0, 3), payloads, topic);
    for (const { topic, payload } of received) {
      assert.deepEqual(Object.keys(payload).sort(), ["exportWh", "importWh", "timestamp"]);
      assert.ok(parseReading(topic, JSON.stringify(payload)).ok);
    }
    assert.ok(acknowledged.length >= 3 * households.length);
  });

  it("runs simulated time at `speed` and publishes nothing ahead of it or after stop()", async () => {
    const published: SimulatedReading[] = [];
    const wallStart = performance.now();
    const feed = await startLiveFeed({
      mqttUrl: broker.url,
      startAt,
      speed: 180,
      onPublish: (reading) => {
        published.push(reading);
        assert.ok(Date.parse(reading.payload.timestamp) <= feed.now().getTime());
      },
    });
    await until(() => published.length >= 2 * households.length);
    const simulatedMs = feed.now().getTime() - startAt.getTime();
    const wallMs = performance.now() - wallStart;
    // The second step is due after 333 ms of wall time, i.e. 60 simulated seconds.
    assert.ok(simulatedMs >= 60_000 && simulatedMs <= wallMs * 180 + 1, `${simulatedMs} ms simulated`);
    await feed.stop();
    await feed.stop();
    const frozen = feed.now().getTime();
    const count = published.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(published.length, count);
    assert.equal(feed.now().getTime(), frozen);
  });

  it("stops within its grace period when the broker has gone away", async () => {
    const doomed = await startBroker();
    const errors: SimulationBrokerError[] = [];
    const feed = await startLiveFeed({ mqttUrl: doomed.url, startAt, speed: 60_000, onError: (e) => errors.push(e) });
    await doomed.close();
    const stopStart = performance.now();
    await feed.stop();
    assert.ok(performance.now() - stopStart < 3000);
  });

  it("rejects with a broker error when nothing listens", async () => {
    const closed = await startBroker();
    await closed.close();
    await assert.rejects(
      startLiveFeed({ mqttUrl: closed.url, startAt, speed: 1 }),
      (error: unknown) =>
        error instanceof SimulationBrokerError && /cannot connect to the MQTT broker/.test(error.message),
    );
  });

  it("rejects bad parameters before touching the network", async () => {
    await assert.rejects(startLiveFeed({ mqttUrl: broker.url, startAt, speed: 0 }), SimulationParameterError);
    await assert.rejects(startLiveFeed({ mqttUrl: "http://x", startAt, speed: 1 }), /mqttUrl/);
    await assert.rejects(startLiveFeed({ mqttUrl: broker.url, startAt: new Date(Number.NaN), speed: 1 }), /startAt/);
  });
});
