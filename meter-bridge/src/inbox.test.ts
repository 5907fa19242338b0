import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createInbox, matchesTopic } from "./inbox.ts";
import { openStore } from "./store.ts";
import { tempDir } from "./test-fixtures.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (payload: Uint8Array) => new TextDecoder().decode(payload);

describe("MQTT inbox", () => {
  test("keeps messages across a reopen until each of their readings is handled", () => {
    const file = join(tempDir(), "bridge.db");
    const first = createInbox(openStore({ file, synchronous: "NORMAL" }), () => 1000);
    const a = first.add("nachbarstrom/h/a/reading", bytes("{a}"));
    const b = first.add("tele/keller/SENSOR", bytes("{two meters}"));
    const c = first.add("nachbarstrom/h/c/reading", bytes("{c}"));
    first.expect(a, 1);
    first.handled(a);
    first.expect(b, 2);
    first.handled(b); // one of its two readings stored, then the process stops
    first.expect(c, 0); // nothing valid in it: rejected, done at once
    first.close();

    const again = createInbox(openStore({ file, synchronous: "NORMAL" }));
    const left = again.pending();
    assert.deepEqual(
      left.map((m) => ({ id: m.id, topic: m.topic, payload: text(m.payload), receivedAt: m.receivedAt })),
      [{ id: b, topic: "tele/keller/SENSOR", payload: "{two meters}", receivedAt: 1000 }],
      "only the message with a reading still to store",
    );
    assert.equal(again.depth(), 1);
    again.close();
  });

  test("removes handled messages in one transaction after a short wait, or at flush()", async () => {
    const inbox = createInbox(openStore({ file: ":memory:" }));
    const ids = [1, 2, 3].map((i) => inbox.add(`t/${i}`, bytes(String(i))));
    for (const id of ids) inbox.expect(id, 1);
    for (const id of ids) inbox.handled(id);
    assert.equal(inbox.depth(), 3, "not yet written");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(inbox.depth(), 0);
    const late = inbox.add("t/4", bytes("4"));
    inbox.handled(late); // no expect(): one reading
    inbox.flush();
    assert.equal(inbox.depth(), 0);
    inbox.close();
  });

  test("pending() gives the messages of one subscription, oldest first, bytes as they came", () => {
    const inbox = createInbox(openStore({ file: ":memory:" }));
    const binary = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 0x00, 0xff);
    inbox.add("meters/sml/keller", binary);
    inbox.add("nachbarstrom/h/a/reading", bytes("{}"));
    inbox.add("meters/sml/dach", bytes("x"));
    assert.deepEqual(
      inbox.pending("meters/sml/+").map((m) => [m.topic, [...m.payload]]),
      [
        ["meters/sml/keller", [...binary]],
        ["meters/sml/dach", [...bytes("x")]],
      ],
    );
    assert.equal(inbox.pending().length, 3, "everything by default");
    inbox.close();
  });

  test("matches topics as MQTT subscriptions do", () => {
    assert.ok(matchesTopic("nachbarstrom/+/+/reading", "nachbarstrom/h/DE1/reading"));
    assert.ok(!matchesTopic("nachbarstrom/+/+/reading", "nachbarstrom/h/rejected"));
    assert.ok(!matchesTopic("nachbarstrom/+/+/reading", "nachbarstrom/h/DE1/reading/extra"));
    assert.ok(matchesTopic("v3/+/devices/+/up", "v3/app@ttn/devices/dev-1/up"));
    assert.ok(matchesTopic("meters/#", "meters/sml/keller"));
    assert.ok(matchesTopic("#", "anything/at/all"));
    assert.ok(!matchesTopic("tele/+/SENSOR", "tele/keller/STATE"));
  });
});
