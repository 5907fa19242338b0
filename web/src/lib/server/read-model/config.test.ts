import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readModelConfig } from "./config.ts";
import { ReadModelError } from "./errors.ts";

describe("readModelConfig", () => {
  it("puts read-model.db next to the deployment file unless told otherwise", () => {
    assert.deepEqual(readModelConfig({ NACHBARSTROM_DEPLOYMENT: "/run/ns/deployment.json" }), {
      location: "/run/ns/read-model.db",
      rangeBlocks: 2000n,
      confirmations: 0n,
      pollMs: 1000,
    });
    const config = readModelConfig({
      NACHBARSTROM_DEPLOYMENT: "/run/ns/deployment.json",
      NACHBARSTROM_READ_MODEL_DB: "/var/lib/ns/portal.db",
      NACHBARSTROM_READ_MODEL_RANGE_BLOCKS: "500",
      NACHBARSTROM_READ_MODEL_CONFIRMATIONS: "2",
      NACHBARSTROM_READ_MODEL_POLL_MS: "250",
    });
    assert.deepEqual(config, { location: "/var/lib/ns/portal.db", rangeBlocks: 500n, confirmations: 2n, pollMs: 250 });
  });

  it("lives in the shared PostgreSQL database unless its own setting names another place", () => {
    const url = "postgres://portal@db.internal/nachbarstrom";
    const deployment = { NACHBARSTROM_DEPLOYMENT: "/run/ns/deployment.json" };
    assert.equal(readModelConfig({ ...deployment, NACHBARSTROM_DATABASE_URL: url }).location, url);
    assert.equal(
      readModelConfig({ ...deployment, NACHBARSTROM_DATABASE_URL: url, NACHBARSTROM_READ_MODEL_DB: "/srv/rm.db" })
        .location,
      "/srv/rm.db",
    );
    assert.equal(readModelConfig({ NACHBARSTROM_READ_MODEL_DB: url }).location, url);
  });

  it("names the variable and the value it refuses", () => {
    assert.throws(() => readModelConfig({ NACHBARSTROM_READ_MODEL_DB: "portal.db" }), /NACHBARSTROM_READ_MODEL_DB/);
    assert.throws(
      () => readModelConfig({ NACHBARSTROM_DEPLOYMENT: "/d.json", NACHBARSTROM_READ_MODEL_RANGE_BLOCKS: "0" }),
      (error: unknown) =>
        error instanceof ReadModelError && /RANGE_BLOCKS/.test(error.message) && /"0"/.test(error.message),
    );
    assert.throws(
      () => readModelConfig({ NACHBARSTROM_DEPLOYMENT: "/d.json", NACHBARSTROM_READ_MODEL_CONFIRMATIONS: "-1" }),
      ReadModelError,
    );
  });
});
