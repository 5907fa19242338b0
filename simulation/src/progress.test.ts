import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { progressBar } from "./progress.ts";

describe("progressBar", () => {
  it("draws in place on a terminal and erases itself when done", () => {
    const written: string[] = [];
    const bar = progressBar("Quartier 37", { isTTY: true, write: (text) => written.push(text) });
    bar.update(0, 100);
    bar.update(1, 100); // within 100 ms of the last drawing: skipped
    bar.update(100, 100); // the end is always drawn
    bar.done();
    assert.equal(written.length, 3);
    assert.match(written[0], /^\rQuartier 37 \[\.{30}\] 0 % {2}0 s/);
    assert.match(written[1], /^\rQuartier 37 \[#{30}\] 100 % {2}0 s, 0 s left/);
    assert.equal(written[2], "\r\u001b[K");
  });

  it("prints nothing when the stream is not a terminal", () => {
    const written: string[] = [];
    const bar = progressBar("x", { isTTY: false, write: (text) => written.push(text) });
    bar.update(50, 100);
    bar.done();
    assert.deepEqual(written, []);
  });
});
