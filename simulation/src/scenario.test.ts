import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { generateHouseholds } from "./generate.ts";
import { loadScenario, parseScenario, yearBounds } from "./scenario.ts";
import { ScenarioError } from "./validate.ts";

const scenarios = new URL("../scenarios/", import.meta.url);
const file = (name: string) => new URL(name, scenarios).pathname;
type Json = { [key: string]: unknown } & {
  households: Record<string, unknown>[];
  tariff: Record<string, unknown>;
  location: Record<string, unknown>;
};
const demoJson = async () => JSON.parse(await readFile(file("demo.json"), "utf8")) as Json;

/** The demo scenario with `change` applied to a fresh copy. */
async function demoWith(change: (json: Json) => void): Promise<unknown> {
  const json = await demoJson();
  change(json);
  return json;
}

function rejects(json: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => parseScenario(json),
    (error: unknown) => {
      assert.ok(error instanceof ScenarioError, String(error));
      assert.equal(error.field, field);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("parseScenario", () => {
  it("names the field and the value that are wrong", async () => {
    rejects(await demoWith((j) => (j.households[3].pvKwp = -2)), "households[3].pvKwp", /from 0 to 1000 \(got -2\)/);
    rejects(await demoWith((j) => (j.households[0].annualKwh = "3000")), "households[0].annualKwh", /\(got "3000"\)/);
    rejects(await demoWith((j) => delete j.seed), "seed", /required \(got nothing\)/);
    rejects(await demoWith((j) => (j.tariff.vatBasisPoints = 19.5)), "tariff.vatBasisPoints", /integer.*\(got 19.5\)/);
    rejects(await demoWith((j) => (j.location.latitude = 91)), "location.latitude", /from -90 to 90 \(got 91\)/);
    rejects(await demoWith((j) => (j.households[1].pvkwp = 5)), "households[1].pvkwp", /unknown field \(got 5\)/);
    rejects(
      await demoWith((j) => (j.households[2].roof = { azimuth: 180, tilt: 95 })),
      "households[2].roof.tilt",
      /95/,
    );
    rejects(await demoWith((j) => (j.slug = "Burtscheid Süd")), "slug", /lower-case .*"Burtscheid Süd"/);
    rejects(await demoWith((j) => (j.households = [])), "households", /1 to 100000 entries \(got an array of 0\)/);
    rejects(
      await demoWith((j) => (j.households[5].meteringPointId = j.households[2].meteringPointId)),
      "households[5].meteringPointId",
      /repeats households\[2\]'s/,
    );
    rejects(
      await demoWith((j) => Reflect.deleteProperty(j, "households")),
      "households",
      /either "households" or "generator"/,
    );
    rejects([], "scenario", /must be an object/);
  });

  it("checks the generator's ranges", async () => {
    const district = JSON.parse(await readFile(file("district-1000.json"), "utf8"));
    district.generator.pvKwp = { min: 12, max: 3 };
    rejects(district, "generator.pvKwp.min", /must not exceed max 3 \(got 12\)/);
  });

  it("reads the demo neighbourhood of @nachbarstrom/core", async () => {
    const demo = await loadScenario(file("demo.json"));
    assert.equal(demo.slug, DEMO_NEIGHBOURHOOD.slug);
    assert.deepEqual(demo.tariff, DEMO_NEIGHBOURHOOD.tariff);
    assert.deepEqual(
      demo.households,
      DEMO_NEIGHBOURHOOD.households.map(({ label, meteringPointId, annualKwh, pvKwp }) => ({
        label,
        meteringPointId,
        annualKwh,
        pvKwp,
      })),
    );
  });

  it("ships a quarter of 37 households, about a third with PV, and a district of 1,000", async () => {
    const quarter = await loadScenario(file("quartier-37.json"));
    assert.equal(quarter.households.length, 37);
    assert.equal(quarter.households.filter((h) => h.pvKwp > 0).length, 12);
    const district = await loadScenario(file("district-1000.json"));
    assert.equal(district.households.length, 1000);
    assert.equal(district.households.filter((h) => h.pvKwp > 0).length, 330);
    assert.deepEqual(await loadScenario(file("district-1000.json")), district);
    assert.ok(district.households.every((h) => h.annualKwh >= 1400 && h.annualKwh <= 5600 && h.annualKwh % 10 === 0));
  });

  it("names the file when loading fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenario-"));
    await writeFile(join(dir, "broken.json"), "{ not json");
    await assert.rejects(
      loadScenario(join(dir, "broken.json")),
      /^ScenarioError: broken.json: file: must be valid JSON/,
    );
    await assert.rejects(
      loadScenario(join(dir, "missing.json")),
      /missing.json: file: cannot be read \(got "ENOENT"\)/,
    );
    await writeFile(join(dir, "bad.json"), JSON.stringify(await demoWith((j) => (j.year = 1990))));
    await assert.rejects(
      loadScenario(join(dir, "bad.json")),
      /bad.json: year: must be an integer from 2000 to 2100 \(got 1990\)/,
    );
  });
});

describe("generateHouseholds", () => {
  it("draws the same households for the same generator, and gives exactly the PV share", () => {
    const generator = {
      households: 300,
      seed: 5,
      annualKwh: { min: 1000, max: 2000 },
      pvShare: 0.25,
      pvKwp: { min: 2, max: 4 },
    };
    const households = generateHouseholds(generator);
    assert.deepEqual(generateHouseholds(generator), households);
    assert.notDeepEqual(generateHouseholds({ ...generator, seed: 6 }), households);
    assert.equal(households.filter((h) => h.pvKwp > 0).length, 75);
    assert.ok(households.every((h) => h.pvKwp === 0 || (h.pvKwp >= 2 && h.pvKwp <= 4)));
    assert.equal(new Set(households.map((h) => h.meteringPointId)).size, 300);
    assert.ok(households.every((h) => h.meteringPointId.length === 33 && h.roof === undefined));
  });
});

describe("yearBounds", () => {
  it("spans the German calendar year: 35,040 quarter hours, 35,136 in a leap year", () => {
    const y2026 = yearBounds(2026);
    assert.equal(new Date(y2026.startUnix * 1000).toISOString(), "2025-12-31T23:00:00.000Z");
    assert.equal((y2026.endUnix - y2026.startUnix) / 900, 35_040);
    const y2028 = yearBounds(2028);
    assert.equal((y2028.endUnix - y2028.startUnix) / 900, 35_136);
  });
});
