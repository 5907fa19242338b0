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

  it("names the device field and the value that are wrong", async () => {
    const battery = { capacityKwh: 8, powerKw: 4, efficiency: 0.9 };
    const ev = { annualKm: 12_000, kWhPer100km: 18, chargerKw: 11 };
    const cases: [(j: Json) => unknown, string, RegExp][] = [
      [
        (j) => (j.households[0].heatPump = { annualKwh: -100 }),
        "households[0].heatPump.annualKwh",
        /above 0 .*\(got -100\)/,
      ],
      [(j) => (j.households[0].heatPump = { annualKwh: 0 }), "households[0].heatPump.annualKwh", /above 0 .*\(got 0\)/],
      [
        (j) => (j.households[0].heatPump = { annualKwh: 1e6 }),
        "households[0].heatPump.annualKwh",
        /at most 30000 \(got 1000000\)/,
      ],
      [(j) => (j.households[0].heatPump = { annualkwh: 3000 }), "households[0].heatPump.annualkwh", /unknown field/],
      [
        (j) => (j.households[0].battery = { ...battery, capacityKwh: 0 }),
        "households[0].battery.capacityKwh",
        /above 0 .*\(got 0\)/,
      ],
      [
        (j) => (j.households[0].battery = { ...battery, efficiency: 1.2 }),
        "households[0].battery.efficiency",
        /above 0 and at most 1 \(got 1.2\)/,
      ],
      [
        (j) => (j.households[0].battery = { ...battery, efficiency: 0 }),
        "households[0].battery.efficiency",
        /\(got 0\)/,
      ],
      [(j) => (j.households[0].battery = { ...battery, powerKw: -3 }), "households[0].battery.powerKw", /\(got -3\)/],
      [
        (j) => (j.households[0].battery = { ...battery, capacityKwh: 0.5 }),
        "households[0].battery.powerKw",
        /must not exceed 4 × capacityKwh \(2 kW\) \(got 4\)/,
      ],
      [(j) => (j.households[1].battery = battery), "households[1].battery", /needs PV to charge from \(pvKwp is 0\)/],
      [
        (j) => (j.households[2].battery = { capacityKwh: 8, powerKw: 4 }),
        "households[2].battery.efficiency",
        /required/,
      ],
      [(j) => (j.households[0].ev = { ...ev, annualKm: 0 }), "households[0].ev.annualKm", /above 0 .*\(got 0\)/],
      [
        (j) => (j.households[0].ev = { ...ev, kWhPer100km: 180 }),
        "households[0].ev.kWhPer100km",
        /from 5 to 60 \(got 180\)/,
      ],
      [
        (j) => (j.households[0].ev = { ...ev, chargerKw: 150 }),
        "households[0].ev.chargerKw",
        /from 1 to 22 \(got 150\)/,
      ],
      [
        (j) => (j.households[0].ev = { ...ev, annualKm: 60_000, chargerKw: 2.3 }),
        "households[0].ev.chargerKw",
        /10800 kWh a year in at most 1200 hours: at least 9 \(got 2.3\)/,
      ],
    ];
    for (const [change, field, message] of cases) rejects(await demoWith(change), field, message);
  });

  it("checks the generator's devices", async () => {
    const district = JSON.parse(await readFile(file("district-1000.json"), "utf8"));
    district.generator.batteries.efficiency = 1.5;
    rejects(district, "generator.batteries.efficiency", /\(got 1.5\)/);
    district.generator.batteries.efficiency = 0.9;
    district.generator.heatPumps.annualKwh = { min: 6000, max: 2000 };
    rejects(district, "generator.heatPumps.annualKwh.min", /must not exceed max 2000 \(got 6000\)/);
    district.generator.heatPumps.annualKwh = { min: 2000, max: 6000 };
    district.generator.evs.chargerKw = 1;
    rejects(district, "generator.evs.chargerKw", /3600 kWh a year in at most 1200 hours: at least 3 \(got 1\)/);
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
    const count = (households: typeof quarter.households, device: "heatPump" | "ev" | "battery") =>
      households.filter((h) => h[device] !== undefined).length;
    assert.deepEqual([count(quarter.households, "heatPump"), count(quarter.households, "ev")], [7, 6]);
    assert.equal(count(quarter.households, "battery"), 5);
    const district = await loadScenario(file("district-1000.json"));
    assert.equal(district.households.length, 1000);
    assert.equal(district.households.filter((h) => h.pvKwp > 0).length, 330);
    assert.deepEqual([count(district.households, "heatPump"), count(district.households, "ev")], [200, 150]);
    assert.equal(count(district.households, "battery"), 132);
    assert.ok(district.households.every((h) => h.battery === undefined || h.pvKwp > 0));
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
