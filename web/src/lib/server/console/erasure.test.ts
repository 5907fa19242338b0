import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, it } from "node:test";
import { listActions, insertPrepared } from "../actions/store.ts";
import { issueInvitation, newCustodialAccount, redeemInvitation } from "../auth/invitations.ts";
import { createSession } from "../auth/sessions.ts";
import { testStore } from "../auth/test-store.test-helper.ts";
import type { AccountsStore } from "../auth/store.ts";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertMeteringPoint } from "../meters/metering-points.ts";
import { eraseAccountLink, erasureProblem, type ErasureState } from "./erasure.ts";

const OPERATOR = { account: "0x0000000000000000000000000000000000000B0B" as const, userId: 99 };
const clear: ErasureState = { known: true, activeMeters: 0, position: 0n, debt: 0n, consoleRole: false };

describe("erasureProblem", () => {
  it("allows an erasure only for a known household account without active meters and without money", async () => {
    assert.equal(erasureProblem(clear), undefined);
    assert.equal(erasureProblem({ ...clear, known: false }), "erasure.error.unknown");
    assert.equal(erasureProblem({ ...clear, consoleRole: true }), "erasure.error.console");
    assert.equal(erasureProblem({ ...clear, activeMeters: 1, position: 5n }), "erasure.error.activeMeter");
    assert.equal(erasureProblem({ ...clear, position: -1n, debt: 1n }), "erasure.error.debt");
    assert.equal(erasureProblem({ ...clear, position: 1n }), "erasure.error.balance");
  });
});

describe("eraseAccountLink", () => {
  let store: AccountsStore;
  const count = async (sql: string, ...params: string[]) => Number((await store.prepare(sql).get(...params))!.n);

  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(async () => store.close());

  /** A household with a server-held key, a redeemed and an open invitation, a passkey and a session. */
  async function household() {
    const account = await newCustodialAccount(store, randomBytes(32));
    const used = await issueInvitation(store, { account });
    const usedId = Number((await store.prepare("SELECT id FROM invitations WHERE account = ?").get(account))!.id);
    const { userId } = await redeemInvitation(store, usedId, "handle-" + account);
    await issueInvitation(store, { account });
    const openId = Number(
      (await store.prepare("SELECT id FROM invitations WHERE account = ? AND used_at IS NULL").get(account))!.id,
    );
    await store
      .prepare(
        "INSERT INTO challenges (challenge, purpose, invitation_id, user_handle, expires_at) VALUES (?, 'register', ?, 'h', ?)",
      )
      .run("challenge-" + account, openId, store.now() + 60_000);
    await store
      .prepare(
        "INSERT INTO credentials (id, user_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, 0, '[]', ?)",
      )
      .run("cred-" + account, userId, new Uint8Array([1, 2]), store.now());
    await createSession(store, userId);
    assert.ok(used.code);
    return { account, userId };
  }

  it("deletes sessions, passkeys, user, invitations, challenges and the held key in one go, and records it", async () => {
    const { account, userId } = await household();
    const other = await household();
    await insertPrepared(store, {
      account,
      userId,
      kind: "credit.pay-out",
      details: {},
      via: "passkey",
      to: OPERATOR.account,
      calldata: "0x",
      challenge: "pending",
    });
    const hood = `0x${"1".repeat(64)}` as const;
    const point = (meteringPointId: string, owner: `0x${string}`, n: string) => ({
      meteringPointId,
      salt: `0x${n.repeat(64)}` as const,
      meterId: `0x${n.repeat(63)}f` as const,
      owner,
      neighbourhood: hood,
      slug: "nord",
      invite: true,
    });
    const mine = point("DE0000000000000000000000000000001", account, "a");
    const theirs = point("DE0000000000000000000000000000002", other.account, "b");
    await insertMeteringPoint(store, mine);
    await insertMeteringPoint(store, theirs);
    const directoryFile = join(mkdtempSync(join(tmpdir(), "erasure-")), "meters.json");
    const entry = (p: typeof mine) => ({ meteringPointId: p.meteringPointId, meterId: p.meterId, owner: p.owner });
    writeFileSync(
      directoryFile,
      JSON.stringify({ neighbourhoods: [{ slug: "nord", id: hood, meters: [entry(mine), entry(theirs)] }] }),
    );
    const record = await eraseAccountLink(store, { account, by: OPERATOR, directoryFile });
    assert.deepEqual(record, {
      account,
      heldKey: true,
      challenges: 1,
      sessions: 1,
      passkeys: 1,
      invitations: 2,
      users: 1,
      expiredActions: 1,
      meteringPoints: 1,
      directoryEntries: 1,
      accountRow: "deleted",
    });
    assert.deepEqual(
      (await store.prepare("SELECT metering_point_id FROM metering_points").all()).map((r) => r.metering_point_id),
      [theirs.meteringPointId],
      "the metering point id and salt of the erased household are gone; the other's stay",
    );
    const left = readFileSync(directoryFile, "utf8");
    assert.ok(!left.includes(mine.meteringPointId) && left.includes(theirs.meteringPointId), left);
    for (const table of ["accounts WHERE address", "users WHERE account", "invitations WHERE account"]) {
      assert.equal(await count(`SELECT count(*) AS n FROM ${table} = ?`, account), 0, table);
    }
    assert.equal(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", String(userId)), 0);
    assert.equal(await count("SELECT count(*) AS n FROM credentials WHERE user_id = ?", String(userId)), 0);
    // The other household keeps everything.
    assert.equal(await count("SELECT count(*) AS n FROM accounts WHERE address = ?", other.account), 1);
    assert.equal(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", String(other.userId)), 1);
    assert.equal(await count("SELECT count(*) AS n FROM invitations WHERE account = ?", other.account), 2);
    if (store.dialect === "sqlite") assert.deepEqual(await store.prepare("PRAGMA foreign_key_check").all(), []);
    const [logged] = await listActions(store, { kinds: ["household.erase"], limit: 1 });
    assert.equal(logged.account, OPERATOR.account);
    assert.equal(logged.details.account, account);
    assert.equal(logged.details.passkeys, 1);
    assert.equal((await listActions(store, { kinds: ["credit."], limit: 1 }))[0].state, "expired");
  });

  it("keeps the account row without its key when a billing record names the account", async () => {
    const { account } = await household();
    await store
      .prepare(
        `INSERT INTO credit_requests (account, kind, amount, reference, state, created_at)
         VALUES (?, 'top-up', 1000000, 'NS-TEST-0001', 'pending', 0)`,
      )
      .run(account);
    const record = await eraseAccountLink(store, { account, by: OPERATOR });
    assert.equal(record.accountRow, "kept without key");
    const row = await store.prepare("SELECT custody, encrypted_key FROM accounts WHERE address = ?").get(account);
    assert.deepEqual({ ...row }, { custody: "external", encrypted_key: null });
    assert.equal(await count("SELECT count(*) AS n FROM users WHERE account = ?", account), 0);
  });

  it("writes nothing to the database when the directory file cannot be written", async () => {
    const { account } = await household();
    const directoryFile = join(mkdtempSync(join(tmpdir(), "erasure-")), "missing", "meters.json");
    await assert.rejects(
      async () => await eraseAccountLink(store, { account, by: OPERATOR, directoryFile }),
      /Cannot read/,
    );
    assert.equal(await count("SELECT count(*) AS n FROM users WHERE account = ?", account), 1);
    assert.equal(await count("SELECT count(*) AS n FROM actions"), 0);
  });

  it("writes nothing when a step fails", async () => {
    const { account } = await household();
    if (store.dialect === "sqlite") {
      await store
        .prepare("CREATE TRIGGER refuse BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END")
        .run();
    } else {
      await store
        .prepare(
          "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
        )
        .run();
      await store.prepare("CREATE TRIGGER refuse BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION refuse()").run();
    }
    await assert.rejects(async () => await eraseAccountLink(store, { account, by: OPERATOR }));
    assert.equal(await count("SELECT count(*) AS n FROM users WHERE account = ?", account), 1);
    assert.equal(await count("SELECT count(*) AS n FROM invitations WHERE account = ?", account), 2);
    assert.equal(await count("SELECT count(*) AS n FROM actions"), 0);
  });
});
