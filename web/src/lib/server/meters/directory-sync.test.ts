import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { meterDirectorySchema, type MeterDirectory } from "@nachbarstrom/core/deployment";
import { insertPrepared, markOutcome } from "../actions/store.ts";
import type { AccountsStore } from "../auth/store.ts";
import { testStore } from "../auth/test-store.test-helper.ts";
import { syncDirectoryFile } from "./directory-sync.ts";
import { claimInvitation, findMeteringPoint, insertMeteringPoint, tieRegistration } from "./metering-points.ts";

const OPERATOR = "0x0000000000000000000000000000000000000B0B" as const;
const OWNER = "0x00000000000000000000000000000000000A11CE" as const;
const HOOD = `0x${"1".repeat(64)}` as const;
const OTHER_HOOD = `0x${"2".repeat(64)}` as const;
const DEMO_METER = `0x${"9".repeat(64)}` as const;
const MP = "DE0000000000000000000000000000001";

function point(meteringPointId: string, n: string, neighbourhood: `0x${string}` = HOOD, slug = "nord") {
  return {
    meteringPointId,
    salt: `0x${n.repeat(64)}` as const,
    meterId: `0x${n.repeat(64)}` as const,
    owner: OWNER,
    neighbourhood,
    slug,
    invite: true,
  };
}

describe("metering points and the bridge's directory", () => {
  let store: AccountsStore;
  let file: string;
  const read = (): MeterDirectory => meterDirectorySchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const ids = () => read().neighbourhoods.flatMap((h) => h.meters.map((m) => `${h.slug}/${m.meteringPointId}`));

  /** The registerMeter action of `meteringPointId`, prepared and tied; returns its id. */
  async function prepare(meteringPointId: string): Promise<string> {
    const action = await insertPrepared(store, {
      account: OPERATOR,
      userId: 1,
      kind: "meter.register",
      details: {},
      via: "passkey",
      to: OPERATOR,
      calldata: "0x",
      challenge: `c-${meteringPointId}`,
    });
    await tieRegistration(store, meteringPointId, action.id);
    return action.id;
  }

  beforeEach(async () => {
    store = await testStore();
    file = join(mkdtempSync(join(tmpdir(), "meters-")), "meters.json");
    writeFileSync(
      file,
      JSON.stringify({
        neighbourhoods: [
          { slug: "nord", id: HOOD, meters: [{ meteringPointId: "DE-DEMO", meterId: DEMO_METER, owner: OPERATOR }] },
        ],
      }),
    );
  });
  afterEach(async () => store.close());

  it("writes a metering point into the file only once its action is confirmed, and only once", async () => {
    assert.equal(await insertMeteringPoint(store, point(MP, "a")), true);
    assert.equal((await findMeteringPoint(store, MP))?.registration, "waiting");
    const actionId = await prepare(MP);
    assert.deepEqual(await syncDirectoryFile(store, file), { added: [], removed: [], neighbourhoods: [] });
    assert.deepEqual(ids(), ["nord/DE-DEMO"]);
    await markOutcome(store, actionId, "confirmed");
    assert.equal((await findMeteringPoint(store, MP))?.registration, "registered");
    assert.deepEqual(await syncDirectoryFile(store, file), { added: [MP], removed: [], neighbourhoods: [] });
    assert.deepEqual(ids(), ["nord/DE-DEMO", `nord/${MP}`]);
    assert.deepEqual(read().neighbourhoods[0].meters[1], {
      meteringPointId: MP,
      meterId: `0x${"a".repeat(64)}`,
      owner: OWNER,
    });
    assert.deepEqual(
      await syncDirectoryFile(store, file),
      { added: [], removed: [], neighbourhoods: [] },
      "nothing to do the second time",
    );
    assert.deepEqual(readdirSync(join(file, "..")), ["meters.json"], "no temporary file is left behind");
  });

  it("adds the neighbourhood when the file lacks it", async () => {
    await insertMeteringPoint(store, point(MP, "a", OTHER_HOOD, "sued"));
    await markOutcome(store, await prepare(MP), "confirmed");
    await syncDirectoryFile(store, file);
    assert.deepEqual(ids(), ["nord/DE-DEMO", `sued/${MP}`]);
    assert.equal(read().neighbourhoods[1].id, OTHER_HOOD);
  });

  it("adds a neighbourhood registered here, without meters, once its registration is confirmed", async () => {
    const register = await insertPrepared(store, {
      account: OPERATOR,
      userId: 1,
      kind: "neighbourhood.register",
      details: { slug: "sued", neighbourhood: OTHER_HOOD },
      via: "passkey",
      to: OPERATOR,
      calldata: "0x",
      challenge: "c-sued",
    });
    assert.deepEqual(
      await syncDirectoryFile(store, file),
      { added: [], removed: [], neighbourhoods: [] },
      "not confirmed",
    );
    await markOutcome(store, register.id, "confirmed");
    assert.deepEqual(await syncDirectoryFile(store, file), { added: [], removed: [], neighbourhoods: ["sued"] });
    assert.deepEqual(read().neighbourhoods[1], { slug: "sued", id: OTHER_HOOD, meters: [] });
    assert.deepEqual(await syncDirectoryFile(store, file), { added: [], removed: [], neighbourhoods: [] }, "only once");
    // A metering point onboarded into it later goes into the same entry.
    await insertMeteringPoint(store, point(MP, "a", OTHER_HOOD, "sued"));
    await markOutcome(store, await prepare(MP), "confirmed");
    await syncDirectoryFile(store, file);
    assert.deepEqual(ids(), ["nord/DE-DEMO", `sued/${MP}`]);
    assert.equal(read().neighbourhoods.length, 2);
  });

  it("takes a meter out once its retirement is confirmed, onboarded here or not", async () => {
    await insertMeteringPoint(store, point(MP, "a"));
    await markOutcome(store, await prepare(MP), "confirmed");
    await syncDirectoryFile(store, file);
    for (const meterId of [DEMO_METER, `0x${"a".repeat(64)}`]) {
      const retire = await insertPrepared(store, {
        account: OPERATOR,
        userId: 1,
        kind: "meter.retire",
        details: { meterId },
        via: "passkey",
        to: OPERATOR,
        calldata: "0x",
        challenge: `r-${meterId}`,
      });
      await markOutcome(store, retire.id, "confirmed");
    }
    assert.deepEqual(await syncDirectoryFile(store, file), { added: [], removed: ["DE-DEMO", MP], neighbourhoods: [] });
    assert.deepEqual(ids(), []);
    assert.notEqual((await findMeteringPoint(store, MP))?.retiredAt, undefined);
  });

  it("lets a failed registration make way for a new attempt, but not a waiting one", async () => {
    await insertMeteringPoint(store, point(MP, "a"));
    const first = await prepare(MP);
    assert.equal(await insertMeteringPoint(store, point(MP, "b")), false, "still waiting");
    await markOutcome(store, first, "failed", "reverted");
    assert.equal((await findMeteringPoint(store, MP))?.registration, "failed");
    assert.equal(await insertMeteringPoint(store, point(MP, "b")), true);
    assert.equal((await findMeteringPoint(store, MP))?.salt, `0x${"b".repeat(64)}`);
  });

  it("lets the invitation of a new household be claimed once, and only after the registration", async () => {
    await insertMeteringPoint(store, point(MP, "a"));
    const actionId = await prepare(MP);
    assert.equal(await claimInvitation(store, MP), false, "not registered yet");
    await markOutcome(store, actionId, "confirmed");
    assert.equal(await claimInvitation(store, MP), true);
    assert.equal(await claimInvitation(store, MP), false, "issued already");
  });
});
