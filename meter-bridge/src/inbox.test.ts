import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createInbox } from "./inbox.ts";
import { openStore } from "./store.ts";
import { tempDir } from "./test-fixtures.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (payload: Uint8Array) => new TextDecoder().decode(payload);

describe("MQTT inbox", () => {
  test("keeps messages across a reopen until each of their readings is handled", () => {
    const file = join(tempDir(), "bridge.db");
    const first = createInbox(openStore({ file, synchronous: "NORMAL" }), () => 1000);
    const a = first.add("mqtt-1", "nachbarstrom/h/a/reading", bytes("{a}"));
    const b = first.add("mqtt-2", "tele/keller/SENSOR", bytes("{two meters}"));
    const c = first.add("mqtt-1", "nachbarstrom/h/c/reading", bytes("{c}"));
    first.expect(a, 1);
    first.handled(a);
    first.expect(b, 2);
    first.handled(b); // one of its two readings stored, then the process stops
    first.expect(c, 0); // nothing valid in it: rejected, done at once
    first.close();

    const again = createInbox(openStore({ file, synchronous: "NORMAL" }));
    const left = again.pending();
    assert.deepEqual(
      left.map((m) => ({ ...m, payload: text(m.payload) })),
      [{ id: b, source: "mqtt-2", topic: "tele/keller/SENSOR", payload: "{two meters}", receivedAt: 1000 }],
      "only the message with a reading still to store",
    );
    assert.equal(again.depth(), 1);
    again.close();
  });

  test("removes handled messages in one transaction after a short wait, or at flush()", async () => {
    const inbox = createInbox(openStore({ file: ":memory:" }));
    const ids = [1, 2, 3].map((i) => inbox.add("mqtt-1", `t/${i}`, bytes(String(i))));
    for (const id of ids) inbox.expect(id, 1);
    for (const id of ids) inbox.handled(id);
    assert.equal(inbox.depth(), 3, "not yet written");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(inbox.depth(), 0);
    const late = inbox.add("mqtt-1", "t/4", bytes("4"));
    inbox.handled(late); // no expect(): one reading
    inbox.flush();
    assert.equal(inbox.depth(), 0);
    inbox.close();
  });

  test("pending() gives the messages of one source, oldest first, bytes as they came", () => {
    const inbox = createInbox(openStore({ file: ":memory:" }));
    const binary = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 0x00, 0xff);
    inbox.add("sml-in", "meters/sml/keller", binary);
    inbox.add("json-in", "nachbarstrom/h/a/reading", bytes("{}"));
    inbox.add("sml-in", "meters/sml/dach", bytes("x"));
    assert.deepEqual(
      inbox.pending("sml-in").map((m) => [m.topic, [...m.payload]]),
      [
        ["meters/sml/keller", [...binary]],
        ["meters/sml/dach", [...bytes("x")]],
      ],
    );
    assert.equal(inbox.pending().length, 3, "everything without a source");
    inbox.close();
  });
});
