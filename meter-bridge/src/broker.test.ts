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
    await subscriber.subscribeAsync("nachbarstrom/+/rejected", { qos: 1 });
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
