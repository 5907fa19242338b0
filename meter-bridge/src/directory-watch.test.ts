import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { MeterDirectory } from "@nachbarstrom/core";
import { reloadLogText, watchDirectory } from "./directory.ts";
import { DIRECTORY, HOOD, MP, METER_ID, fakeClock, tempDir } from "./test-fixtures.ts";

const NEW_MP = "DE0001234520660000000000000000009";
const WITH_NEW_METER: MeterDirectory = {
  neighbourhoods: DIRECTORY.neighbourhoods.map((hood) =>
    hood.slug === HOOD
      ? {
          ...hood,
          meters: [
            ...hood.meters,
            { meteringPointId: NEW_MP, meterId: `0x${"d".repeat(64)}`, owner: hood.meters[0].owner },
          ],
        }
      : hood,
  ),
};

/** Replaces the file as the portal does: a temporary file in the same folder, then a rename. */
function replace(file: string, contents: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

function setup() {
  const file = join(tempDir(), "meters.json");
  writeFileSync(file, JSON.stringify(DIRECTORY));
  const clock = fakeClock();
  const watched = watchDirectory({ file, now: clock.now });
  return { file, clock, watched };
}

describe("watchDirectory", () => {
  test("reloads a replaced file into the same index, so its holders see the new meter", () => {
    const { file, clock, watched } = setup();
    const held = watched.index;
    assert.equal(held.get(HOOD)?.meters.has(NEW_MP), false);
    replace(file, JSON.stringify(WITH_NEW_METER));
    clock.advance(1);
    const reload = watched.refresh();
    assert.deepEqual(reload, { kind: "reloaded", file, neighbourhoods: 2, meters: 4 });
    assert.equal(held.get(HOOD)?.meters.get(NEW_MP), `0x${"d".repeat(64)}`);
    assert.equal(held.get(HOOD)?.meters.get(MP.a), METER_ID[MP.a], "the other meters stay");
    assert.match(reloadLogText(reload)?.text ?? "", /reloaded: 4 metering points in 2 neighbourhoods/);
    clock.advance(1);
    assert.deepEqual(watched.refresh(), { kind: "unchanged" }, "an unchanged file is not read again");
  });

  test("looks at the file at most once a second unless forced", () => {
    const { file, clock, watched } = setup();
    replace(file, JSON.stringify(WITH_NEW_METER));
    clock.advance(0.5);
    assert.deepEqual(watched.refresh(), { kind: "unchanged" });
    assert.equal(watched.index.get(HOOD)?.meters.has(NEW_MP), false);
    assert.equal(watched.refresh({ force: true }).kind, "reloaded");
    assert.equal(watched.index.get(HOOD)?.meters.has(NEW_MP), true);
  });

  test("keeps the directory in force when the new file is invalid, reports it once, and takes the next valid one", () => {
    const { file, clock, watched } = setup();
    replace(file, JSON.stringify({ neighbourhoods: [{ slug: "Not A Slug", id: "0x1", meters: [] }] }));
    clock.advance(1);
    const reload = watched.refresh();
    assert.equal(reload.kind, "invalid");
    const log = reloadLogText(reload);
    assert.equal(log?.level, "warn");
    assert.match(log?.text ?? "", /neighbourhoods\.0\.slug/, "the log names the field that was wrong");
    assert.match(log?.text ?? "", /previous directory stays in force/);
    assert.equal(watched.index.get(HOOD)?.meters.get(MP.b), METER_ID[MP.b], "the old directory stays");
    clock.advance(1);
    assert.deepEqual(watched.refresh(), { kind: "unchanged" }, "the same broken file is reported only once");
    replace(file, JSON.stringify(WITH_NEW_METER));
    clock.advance(1);
    assert.equal(watched.refresh().kind, "reloaded");
    assert.equal(watched.index.get(HOOD)?.meters.has(NEW_MP), true);
  });

  test("throws at start when the file is invalid: the node is not configured", () => {
    const file = join(tempDir(), "meters.json");
    writeFileSync(file, "{");
    assert.throws(() => watchDirectory({ file }), /Cannot read/);
  });
});
