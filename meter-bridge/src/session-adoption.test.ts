/**
 * Adopting a dead process's MQTT session against a real Mosquitto: what the broker queued for it, and
 * the message it had in flight, reach the survivor; without adoption they would be lost.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import mqtt from "mqtt";
import { freePort } from "../../scripts/stack/processes.ts";
import { startMosquitto } from "../../scripts/stack/mosquitto.ts";
import { adoptSession } from "./session-adoption.ts";

let broker: Awaited<ReturnType<typeof startMosquitto>>;
before(async () => {
  broker = await startMosquitto({ port: await freePort(), log: () => {} });
});
after(() => broker.stop());

/** A bridge process's connection: persistent session, shared subscription, its own acknowledgements. */
async function bridgeProcess(clientId: string, received: string[], acknowledge: boolean, group: string) {
  const client = mqtt.connect(broker.url, {
    clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 3600 },
    customHandleAcks: (_topic, payload, _packet, done) => {
      received.push(payload.toString());
      if (acknowledge) done(0);
    },
  });
  await new Promise((resolve) => client.once("connect", resolve));
  await client.subscribeAsync(`$share/${group}/meters/+/reading`, { qos: 1 });
  return client;
}

test("a survivor that adopts a dead process's session gets every message the broker held for it", async () => {
  const [a, b, adopted]: string[][] = [[], [], []];
  const dying = await bridgeProcess("nachbarstrom-bridge-a", a, false, "first"); // hangs: never acknowledges
  const survivor = await bridgeProcess("nachbarstrom-bridge-b", b, true, "first");
  const meter = await mqtt.connectAsync(broker.url, { clientId: "meter" });
  const publish = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await meter.publishAsync("meters/m1/reading", String(i), { qos: 1 });
  };
  await publish(0, 100);
  dying.stream.destroy(); // killed: no DISCONNECT
  dying.end(true);
  await publish(100, 200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const missing = () =>
    Array.from({ length: 200 }, (_, i) => String(i)).filter((m) => !b.includes(m) && !adopted.includes(m));
  assert.ok(missing().length > 50, `the broker holds a share for the dead session (missing ${missing().length})`);

  const taken = await adoptSession({
    url: broker.url,
    clientId: "nachbarstrom-bridge-a",
    onMessage: async (_topic, payload) => void adopted.push(Buffer.from(payload).toString()),
  });
  assert.equal(taken, adopted.length);
  assert.deepEqual(missing(), []);
  // The adopted session is gone: connecting again finds nothing.
  assert.equal(
    await adoptSession({ url: broker.url, clientId: "nachbarstrom-bridge-a", onMessage: async () => {} }),
    0,
  );
  await Promise.all([survivor.endAsync(), meter.endAsync()]);
});

test("a message the survivor cannot store stays in the dead session for the next attempt", async () => {
  const held: string[] = [];
  const dying = await bridgeProcess("nachbarstrom-bridge-c", held, false, "second");
  const meter = await mqtt.connectAsync(broker.url, { clientId: "meter-2" });
  await meter.publishAsync("meters/m2/reading", "only", { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  dying.stream.destroy();
  dying.end(true);
  await assert.rejects(
    adoptSession({
      url: broker.url,
      clientId: "nachbarstrom-bridge-c",
      onMessage: async () => {
        throw new Error("database down");
      },
    }),
    /database down/,
  );
  const later: string[] = [];
  await adoptSession({
    url: broker.url,
    clientId: "nachbarstrom-bridge-c",
    onMessage: async (_topic, payload) => void later.push(Buffer.from(payload).toString()),
  });
  assert.deepEqual(later, ["only"]);
  await meter.endAsync();
});
