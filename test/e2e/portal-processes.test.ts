/**
 * The portal as two processes behind a load balancer, sharing one PostgreSQL database (ADR 0010):
 * a household signs in (the passkey ceremony's options come from one process, its answer goes to the
 * other), stays signed in on both, confirms a chain action prepared on one process through the other,
 * and notices nothing when one process dies. One process indexes the chain; both show the same.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { freshTestDatabase } from "@nachbarstrom/core/database/test-postgres";
import { waitFor } from "../../scripts/stack/processes.ts";
import { gotoHydrated, launchChromium } from "./browser.ts";
import { signInAs } from "./sign-in.ts";
import { startTestStack, stopTestStack, type TestStack } from "./test-stack.ts";

describe("the portal as several processes on one PostgreSQL database", () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let databaseUrl: string;

  before(async () => {
    databaseUrl = await freshTestDatabase();
    stack = await startTestStack("e2e-portals", { databaseUrl, portalProcesses: 2 });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await stopTestStack(stack);
  });

  const household = () => stack.invitations[1];
  const served = () => [...(stack.portals.balancer?.served ?? [])];
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it("signs a household in across both processes and keeps it signed in on each", async () => {
    assert.equal(stack.portals.processes.length, 2);
    await signInAs(context, page, stack, household().account);
    assert.equal(new URL(page.url()).pathname, `/household/${household().account}`);
    const before = served();
    for (const path of ["", "/flows", "/statement", "/tariffs", "/money", "/preferences"]) {
      await gotoHydrated(page, `${stack.urls.portal}/household/${household().account}${path}?lang=en`);
      assert.equal(
        new URL(page.url()).pathname,
        `/household/${household().account}${path}`,
        `still signed in at ${path}`,
      );
    }
    const after = served();
    assert.ok(
      after.every((count, i) => count > before[i]),
      `both processes answered the signed-in household: ${before} → ${after}`,
    );
    const sessions = await query("SELECT count(*) AS n FROM accounts.sessions");
    assert.equal(Number(sessions[0].n), 1, "one session, in the shared database");
  });

  it("confirms a chain action with a passkey whatever process prepared it", async () => {
    const account = household().account;
    await gotoHydrated(page, `${stack.urls.portal}/household/${account}/preferences?lang=en`);
    await page.getByLabel("Highest price to buy from the pool (ct/kWh, gross)").first().fill("41,0");
    await page.getByTestId("preferences-submit").first().click();
    await page.locator('[data-testid="preferences-status"][data-state="confirmed"]').waitFor({ timeout: 30_000 });
    const rows = await query("SELECT state, via FROM accounts.actions WHERE kind = 'meter.preferences' ORDER BY seq");
    assert.deepEqual(
      rows.map((row) => `${row.state}/${row.via}`),
      ["confirmed/passkey"],
      "one action, confirmed once",
    );
  });

  it("goes on when a process dies, and the survivor takes over the indexing", async () => {
    const holderPid = async () => {
      const rows = await query("SELECT holder FROM read_model.indexer_lease");
      assert.ok(rows.length <= 1, "at most one indexer");
      return rows[0] ? Number(String(rows[0].holder).split(":").at(-1)) : undefined;
    };
    const pids = stack.portals.processes.map((p) => p.child.pid);
    const indexer = await holderPid();
    assert.ok(pids.includes(indexer), `the indexer is one of the portal processes: ${indexer} of ${pids}`);
    // The process that indexes dies without a word.
    const dying = stack.portals.processes.find((p) => p.child.pid === indexer);
    const survivor = stack.portals.processes.find((p) => p !== dying);
    assert.ok(dying && survivor);
    dying.child.kill("SIGKILL");
    await new Promise((resolve) => dying.child.once("exit", resolve));
    for (const path of ["", "/money"]) {
      await gotoHydrated(page, `${stack.urls.portal}/household/${household().account}${path}?lang=en`);
      assert.equal(new URL(page.url()).pathname, `/household/${household().account}${path}`, "still signed in");
    }
    await waitFor(
      "the survivor holding the indexer's lease",
      async () => {
        await fetch(`${stack.urls.portal}/`);
        return (await holderPid()) === survivor.child.pid;
      },
      60_000,
    );
  });
});
