import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { before, describe, it } from "node:test";
import { keyFigures, writeReport } from "./report.ts";
import { formatsFor, textsFor } from "./report-text.ts";
import { loadScenario, type Scenario } from "./scenario.ts";
import { escapeXml, niceTicks } from "./svg.ts";
import { simulateYear, type YearResult } from "./year.ts";

let scenario: Scenario;
let result: YearResult;

before(async () => {
  scenario = await loadScenario(new URL("../scenarios/demo.json", import.meta.url).pathname);
  result = simulateYear({ scenario });
});

describe("writeReport", () => {
  for (const language of ["en", "de"] as const) {
    it(`writes the ${language} page with the key figures, the charts and their text alternatives`, async () => {
      const outDir = await mkdtemp(join(tmpdir(), `report-${language}-`));
      const files = await writeReport({ result, scenario, outDir, language });
      assert.deepEqual(
        files.map((file) => basename(file)),
        ["report.html", "monthly.svg", "day-summer.svg", "day-winter.svg", "savings.svg", "year.json"],
      );
      const html = await readFile(files[0], "utf8");
      assert.match(html, new RegExp(`^<!doctype html>\\n<html lang="${language}">`));
      const figures = keyFigures(result, textsFor(language), formatsFor(language));
      for (const [name, value, unit] of figures) {
        assert.ok(
          html.includes(
            `<th scope="row">${escapeXml(name)}</th><td class="number">${escapeXml(value)}</td><td>${unit}</td>`,
          ),
          name,
        );
      }
      assert.equal(html.match(/<svg [^>]*role="img" aria-labelledby="[\w-]+-title [\w-]+-desc"/g)?.length, 4);
      assert.equal(html.match(/<details><summary>/g)?.length, 4);
      assert.equal(html.match(/<figcaption/g)?.length, 4);
      assert.doesNotMatch(html, /NaN|undefined|Infinity/);
      for (const file of files.slice(1, 5)) {
        const svg = await readFile(file, "utf8");
        assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img"/);
        assert.match(svg, /<title id="[\w-]+-title">[^<]+<\/title><desc id="[\w-]+-desc">[^<]+<\/desc>/);
        assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
      }
      const json = JSON.parse(await readFile(files[5], "utf8"));
      assert.equal(json.total.money.paid, String(result.total.money.paid));
      assert.equal(json.households.length, 12);
    });
  }

  it("formats the figures for the language: German decimal commas, English points", () => {
    const [de, en] = [
      keyFigures(result, textsFor("de"), formatsFor("de")),
      keyFigures(result, textsFor("en"), formatsFor("en")),
    ];
    const consumption = Number(result.total.energy.consumptionWh) / 1000;
    assert.deepEqual(de[1], ["Verbrauch", formatsFor("de").fixed(consumption, 1), "kWh"]);
    assert.match(de[1][1], /^\d{1,3}(\.\d{3})*,\d$/);
    assert.match(en[1][1], /^\d{1,3}(,\d{3})*\.\d$/);
    assert.equal(de.length, en.length);
  });
});

describe("niceTicks", () => {
  it("covers the maximum with round steps", () => {
    assert.deepEqual(niceTicks(37), [0, 10, 20, 30, 40]);
    assert.deepEqual(niceTicks(0.9), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });
});
