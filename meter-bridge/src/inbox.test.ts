import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { testDialect, testStoreLocation } from "@nachbarstrom/core/database/test";
import { createInbox, inboxSource } from "./inbox.ts";
import { openStore } from "./store.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (payload: Uint8Array) => new TextDecoder().decode(payload);
const openInbox = async (location: string, now?: () => number) =>
  createInbox(await openStore({ location, synchronous: "NORMAL" }), now);

describe(`MQTT inbox (${testDialect})`, () => {
  test("keeps messages across a reopen until each of their readings is handled", async () => {
    const location = await testStoreLocation("bridge");
    const first = await openInbox(location, () => 1000);
    const a = await first.add("mqtt-1", "nachbarstrom/h/a/reading", bytes("{a}"));
    const b = await first.add("mqtt-2", "tele/keller/SENSOR", bytes("{two meters}"));
    const c = await first.add("mqtt-1", "nachbarstrom/h/c/reading", bytes("{c}"));
    first.expect(a, 1);
    first.handled(a);
    first.expect(b, 2);
    first.handled(b); // one of its two readings stored, then the process stops
    first.expect(c, 0); // nothing valid in it: rejected, done at once
    await first.close();

    const again = await openInbox(location);
    const left = await again.pending();
    assert.deepEqual(
      left.map((m) => ({ ...m, payload: text(m.payload) })),
      [{ id: b, source: "mqtt-2", topic: "tele/keller/SENSOR", payload: "{two meters}", receivedAt: 1000 }],
      "only the message with a reading still to store",
    );
    assert.equal(await again.depth(), 1);
    await again.close();
  });

  test("removes handled messages in one transaction after a short wait, or at flush()", async () => {
    const inbox = await openInbox(await testStoreLocation("bridge"));
    const ids = [];
    for (const i of [1, 2, 3]) ids.push(await inbox.add("mqtt-1", `t/${i}`, bytes(String(i))));
    for (const id of ids) inbox.expect(id, 1);
    for (const id of ids) inbox.handled(id);
    assert.equal(await inbox.depth(), 3, "not yet written");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await inbox.depth(), 0);
    const late = await inbox.add("mqtt-1", "t/4", bytes("4"));
    inbox.handled(late); // no expect(): one reading
    await inbox.flush();
    assert.equal(await inbox.depth(), 0);
    await inbox.close();
  });

  test("pending() gives the messages of one source, oldest first, bytes as they came", async () => {
    const inbox = await openInbox(await testStoreLocation("bridge"));
    const binary = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 0x00, 0xff);
    await inbox.add("sml-in", "meters/sml/keller", binary);
    await inbox.add("json-in", "nachbarstrom/h/a/reading", bytes("{}"));
    await inbox.add("sml-in", "meters/sml/dach", bytes("x"));
    assert.deepEqual(
      (await inbox.pending("sml-in")).map((m) => [m.topic, [...m.payload]]),
      [
        ["meters/sml/keller", [...binary]],
        ["meters/sml/dach", [...bytes("x")]],
      ],
    );
    assert.equal((await inbox.pending()).length, 3, "everything without a source");
    await inbox.close();
  });

  test("two processes on one database keep their messages apart by source", async () => {
    const location = await testStoreLocation("bridge");
    const [one, two] = [await openInbox(location), await openInbox(location)];
    await one.add(inboxSource("mqtt-in", "bridge-a"), "t/a", bytes("a"));
    await two.add(inboxSource("mqtt-in", "bridge-b"), "t/b", bytes("b"));
    assert.equal(inboxSource("mqtt-in", undefined), "mqtt-in", "one process alone: the node");
    assert.deepEqual(
      (await one.pending("bridge-a/mqtt-in")).map((m) => m.topic),
      ["t/a"],
    );
    assert.deepEqual(
      (await two.pending("bridge-b/mqtt-in")).map((m) => m.topic),
      ["t/b"],
    );
    await Promise.all([one.close(), two.close()]);
  });
});
