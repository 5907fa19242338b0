import assert from "node:assert/strict";
import { describe, test } from "node:test";
import mqtt from "mqtt";
import { startBroker } from "./broker.ts";
import { BridgeStartError } from "./errors.ts";

describe("startBroker", () => {
  test("delivers QoS 1 messages and stops with its clients still connected", async () => {
    const broker = await startBroker({ port: 0 });
    assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const subscriber = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    assert.equal(broker.subscriptions("nachbarstrom/+/rejected"), 0);
    await subscriber.subscribeAsync("nachbarstrom/+/rejected", { qos: 1 });
    assert.equal(broker.subscriptions("nachbarstrom/+/rejected"), 1, "counted once the broker took it");
    const received = new Promise<string>((resolve) =>
      subscriber.once("message", (topic, payload) => resolve(`${topic} ${payload}`)),
    );
    await publisher.publishAsync("nachbarstrom/x/rejected", "hello", { qos: 1 });
    assert.equal(await received, "nachbarstrom/x/rejected hello");
    // stop() does not wait for clients to leave: it disconnects them.
    await broker.stop();
    await broker.stop();
    await Promise.all([subscriber.endAsync(true), publisher.endAsync(true)]);
  });

  test("a broker started with the persistence of a stopped one keeps its sessions and queued messages", async () => {
    const first = await startBroker({ port: 0 });
    const port = Number(new URL(first.url).port);
    const bridge = await mqtt.connectAsync(first.url, { clientId: "bridge", clean: false, reconnectPeriod: 0 });
    await bridge.subscribeAsync("meters/+", { qos: 1 });
    await bridge.endAsync(true);
    const meter = await mqtt.connectAsync(first.url, { reconnectPeriod: 0 });
    await meter.publishAsync("meters/a", "queued while the bridge was away", { qos: 1 });
    await meter.endAsync(true);
    await first.stop();

    const second = await startBroker({ port, persistence: first.persistence });
    const back = mqtt.connect(second.url, { clientId: "bridge", clean: false, reconnectPeriod: 0 });
    const received = await new Promise<string>((resolve) =>
      back.once("message", (_, payload) => resolve(`${payload}`)),
    );
    assert.equal(received, "queued while the bridge was away");
    await back.endAsync(true);
    await second.stop();
  });

  test("reports a port that is taken", async () => {
    const first = await startBroker({ port: 0 });
    const port = Number(new URL(first.url).port);
    await assert.rejects(startBroker({ port }), (error) => {
      assert.ok(error instanceof BridgeStartError);
      assert.equal(error.shortMessage, `Cannot start the MQTT broker on 127.0.0.1:${port}`);
      return true;
    });
    await first.stop();
  });
});
