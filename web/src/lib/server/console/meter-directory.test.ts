import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { meterDirectorySchema, type MeterDirectory } from "@nachbarstrom/core/deployment";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeOwnerFromDirectoryFile, withoutOwner } from "./meter-directory.ts";

const ALICE = "0x00000000000000000000000000000000000A11CE" as const;
const BOB = "0x0000000000000000000000000000000000000B0B" as const;
const id = (n: number) => `0x${String(n).padStart(64, "0")}` as const;
const directory: MeterDirectory = {
  neighbourhoods: [
    {
      slug: "nord",
      id: id(100),
      meters: [
        { meteringPointId: "DE0001", meterId: id(1), owner: ALICE },
        { meteringPointId: "DE0002", meterId: id(2), owner: BOB },
      ],
    },
    {
      slug: "sued",
      id: id(200),
      meters: [{ meteringPointId: "DE0003", meterId: id(3), owner: ALICE.toLowerCase() as `0x${string}` }],
    },
  ],
};

describe("withoutOwner", () => {
  it("removes every metering point of the owner in every neighbourhood, in any letter case", () => {
    const { directory: left, removed } = withoutOwner(directory, ALICE);
    assert.deepEqual(
      left.neighbourhoods.map((h) => h.meters.map((m) => m.meteringPointId)),
      [["DE0002"], []],
    );
    assert.deepEqual(removed, [
      { neighbourhood: "nord", meteringPointId: "DE0001", meterId: id(1) },
      { neighbourhood: "sued", meteringPointId: "DE0003", meterId: id(3) },
    ]);
    assert.ok(meterDirectorySchema.safeParse(left).success, "still a valid directory");
  });

  it("leaves the directory as it was for an account without metering points, and does not change its input", () => {
    const { directory: left, removed } = withoutOwner(directory, "0x0000000000000000000000000000000000000C0C");
    assert.deepEqual(left, directory);
    assert.deepEqual(removed, []);
    assert.equal(directory.neighbourhoods[0].meters.length, 2);
  });
});

describe("removeOwnerFromDirectoryFile", () => {
  it("rewrites the file without the owner's metering points, and leaves it alone when it names none", () => {
    const file = join(mkdtempSync(join(tmpdir(), "directory-")), "meters.json");
    writeFileSync(file, JSON.stringify(directory));
    const removed = removeOwnerFromDirectoryFile(file, ALICE);
    assert.deepEqual(
      removed.map((r) => r.meteringPointId),
      ["DE0001", "DE0003"],
    );
    const written = meterDirectorySchema.parse(JSON.parse(readFileSync(file, "utf8")));
    assert.deepEqual(
      written.neighbourhoods.flatMap((h) => h.meters.map((m) => m.meteringPointId)),
      ["DE0002"],
    );
    const before = statSync(file).mtimeMs;
    assert.deepEqual(removeOwnerFromDirectoryFile(file, ALICE), []);
    assert.equal(statSync(file).mtimeMs, before, "not rewritten");
  });
});
